package dev.cairn.broker.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sparse, memory-mapped index file of fixed-size entries sorted by offset, the shared shape of
 * {@link OffsetIndex} and {@link TimeIndex} (template method: subclasses give the entry size and
 * the key of an entry).
 *
 * <p>A writable index (the active segment's) is preallocated to {@code maxIndexSize} rounded down
 * to whole entries and memory-mapped; {@link #trimToValidSize} cuts the file to the entries
 * written, which is what a closed or rolled segment keeps on disk. Reopening an index computes its
 * entry count from the file length, so a file left preallocated by a crash holds trailing zero
 * entries: crash recovery rebuilds the active segment's indexes from the log instead of trusting
 * them, which is why indexes carry no checksum.
 *
 * <p>Not thread-safe for writers (the log's append lock serialises them); lookups read a consistent
 * prefix because the entry count is published after the entry is written.
 */
abstract class AbstractIndex implements Closeable {
  protected final Path file;
  protected final long baseOffset;
  private final int maxIndexSize;
  private RandomAccessFile raf;
  protected MappedByteBuffer mmap;
  protected volatile int entries;

  AbstractIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) throws IOException {
    this.file = file;
    this.baseOffset = baseOffset;
    this.maxIndexSize = maxIndexSize;
    boolean existed = Files.exists(file);
    raf = new RandomAccessFile(file.toFile(), "rw");
    long length = existed ? raf.length() : 0;
    if (length % entrySize() != 0) {
      raf.close();
      throw new CorruptIndexException(
          file + ": length " + length + " is not a multiple of the entry size " + entrySize());
    }
    entries = (int) (length / entrySize());
    map(writable ? Math.max(length, roundDown(maxIndexSize)) : length);
  }

  private void map(long length) throws IOException {
    raf.setLength(length);
    mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
    mmap.position(entries * entrySize());
  }

  private int roundDown(int size) {
    return size / entrySize() * entrySize();
  }

  /** Bytes per entry. */
  abstract int entrySize();

  /** The offset or timestamp an entry is ordered by (absolute). */
  abstract long keyAt(int slot);

  public int entries() {
    return entries;
  }

  public boolean isFull() {
    return (entries + 1) * entrySize() > mmap.limit();
  }

  public Path file() {
    return file;
  }

  /**
   * The largest slot whose key is at most {@code target}, or -1 if every key is larger (or there
   * are none): binary search over the mapped entries.
   */
  protected int largestLowerBoundSlot(long target) {
    int n = entries;
    if (n == 0 || keyAt(0) > target) {
      return -1;
    }
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Removes every entry whose key is at least {@code key}. */
  protected void truncateToKey(long key) {
    int slot = largestLowerBoundSlot(key - 1);
    entries = slot + 1;
    mmap.position(entries * entrySize());
  }

  /** Drops every entry (before a rebuild). */
  public void reset() {
    entries = 0;
    mmap.position(0);
  }

  public void flush() {
    mmap.force();
  }

  /** Cuts the file to the written entries: done when the segment stops being the active one. */
  public void trimToValidSize() throws IOException {
    flush();
    map(entries * (long) entrySize());
  }

  /** Re-extends a trimmed index to its preallocated size (segment becomes active again). */
  public void growToMaxSize() throws IOException {
    if (mmap.limit() < roundDown(maxIndexSize)) {
      map(roundDown(maxIndexSize));
    }
  }

  @Override
  public void close() throws IOException {
    trimToValidSize();
    raf.close();
  }

  public void delete() throws IOException {
    raf.close();
    Files.deleteIfExists(file);
  }

  /** Checks the ordering invariant; a failure names the file and the broken rule. */
  public void sanityCheck() {
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < entries; i++) {
      long key = keyAt(i);
      if (key <= previous || key < baseOffsetKeyFloor()) {
        throw new CorruptIndexException(
            file
                + ": entry "
                + i
                + " has key "
                + key
                + " after "
                + previous
                + " (keys must increase)");
      }
      previous = key;
    }
  }

  /** The smallest legal key (the base offset for offset keys). */
  abstract long baseOffsetKeyFloor();
}
