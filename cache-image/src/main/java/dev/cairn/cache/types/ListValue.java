package dev.cairn.cache.types;

import dev.cairn.cache.db.Container;
import dev.cairn.cache.db.Memory;

/**
 * A Redis list: a growable ring buffer of byte strings, O(1) push/pop at both ends and O(1) index
 * access (LINDEX, LRANGE, LSET). Inserting or removing in the middle shifts elements, as Redis's
 * listpack nodes do. Tracks its memory estimate as elements come and go. Not thread-safe.
 */
public final class ListValue extends Container {
  private byte[][] items = new byte[8][];
  private int head;
  private int size;
  private long bytes = 16 + 16 + 8 * 4;

  public int size() {
    return size;
  }

  public long bytes() {
    return bytes;
  }

  public byte[] get(int index) {
    return items[(head + index) & (items.length - 1)];
  }

  public void set(int index, byte[] value) {
    int i = (head + index) & (items.length - 1);
    bytes += Memory.sizeOf(value) - Memory.sizeOf(items[i]);
    items[i] = value;
  }

  public void addFirst(byte[] v) {
    grow();
    head = (head - 1) & (items.length - 1);
    items[head] = v;
    size++;
    bytes += Memory.sizeOf(v);
  }

  public void addLast(byte[] v) {
    grow();
    items[(head + size) & (items.length - 1)] = v;
    size++;
    bytes += Memory.sizeOf(v);
  }

  public byte[] removeFirst() {
    byte[] v = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    bytes -= Memory.sizeOf(v);
    return v;
  }

  public byte[] removeLast() {
    int i = (head + size - 1) & (items.length - 1);
    byte[] v = items[i];
    items[i] = null;
    size--;
    bytes -= Memory.sizeOf(v);
    return v;
  }

  /** Inserts before position {@code index} (0..size). */
  public void insert(int index, byte[] v) {
    if (index == 0) {
      addFirst(v);
      return;
    }
    addLast(v);
    for (int i = size - 1; i > index; i--) {
      items[(head + i) & (items.length - 1)] = get(i - 1);
    }
    items[(head + index) & (items.length - 1)] = v;
  }

  public void remove(int index) {
    int mask = items.length - 1;
    bytes -= Memory.sizeOf(get(index));
    for (int i = index; i < size - 1; i++) {
      items[(head + i) & mask] = items[(head + i + 1) & mask];
    }
    items[(head + size - 1) & mask] = null;
    size--;
  }

  /** Keeps elements [start, end] (inclusive, already clamped to the list). */
  public void trim(int start, int end) {
    ListValue kept = new ListValue();
    for (int i = start; i <= end; i++) {
      kept.addLast(get(i));
    }
    items = kept.items;
    head = kept.head;
    size = kept.size;
    bytes = kept.bytes;
  }

  private void grow() {
    if (size < items.length) {
      return;
    }
    byte[][] bigger = new byte[items.length * 2][];
    for (int i = 0; i < size; i++) {
      bigger[i] = get(i);
    }
    bytes += 4L * items.length;
    items = bigger;
    head = 0;
  }

  public ListValue copy() {
    ListValue l = new ListValue();
    for (int i = 0; i < size; i++) {
      l.addLast(get(i));
    }
    return l;
  }
}
