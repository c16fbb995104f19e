package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position within one segment: {@code <base offset>.index}.
 *
 * <p>Format: 8-byte entries, {@code int32 relative offset} (offset minus the segment's base offset)
 * then {@code int32 position} of the batch in the {@code .log} file. The offset is the last offset
 * of the indexed batch, the position its first byte, so a lookup for offset {@code o} returns a
 * position at or before the batch holding {@code o}; the reader scans forward from there. An entry
 * is added every {@code index.interval.bytes} of appended log. Relative offsets never leave this
 * class. Entries strictly increase; an append that breaks that is a bug in the caller and throws.
 */
public final class OffsetIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 8;

  /** A point in the index: an absolute offset and the file position of its batch. */
  public record OffsetPosition(long offset, int position) {}

  public OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable)
      throws IOException {
    super(file, baseOffset, maxIndexSize, writable);
  }

  @Override
  int entrySize() {
    return ENTRY_SIZE;
  }

  @Override
  long keyAt(int slot) {
    return baseOffset + mmap.getInt(slot * ENTRY_SIZE);
  }

  @Override
  long baseOffsetKeyFloor() {
    return baseOffset;
  }

  private int positionAt(int slot) {
    return mmap.getInt(slot * ENTRY_SIZE + 4);
  }

  /** The last indexed offset, or the base offset when empty. */
  public long lastOffset() {
    int n = entries;
    return n == 0 ? baseOffset : keyAt(n - 1);
  }

  /**
   * The entry with the largest offset at most {@code target}; {@code (baseOffset, 0)} if none: the
   * position to start scanning from.
   */
  public OffsetPosition lookup(long target) {
    int slot = largestLowerBoundSlot(target);
    return slot < 0
        ? new OffsetPosition(baseOffset, 0)
        : new OffsetPosition(keyAt(slot), positionAt(slot));
  }

  public void append(long offset, int position) {
    if (entries > 0 && offset <= lastOffset()) {
      throw new IllegalArgumentException(
          file + ": offset " + offset + " is not above the last indexed " + lastOffset());
    }
    if (offset - baseOffset > Integer.MAX_VALUE || offset < baseOffset) {
      throw new IllegalArgumentException(file + ": offset " + offset + " outside the segment");
    }
    if (isFull()) {
      throw new IllegalStateException(file + ": index full");
    }
    mmap.putInt((int) (offset - baseOffset));
    mmap.putInt(position);
    entries++;
  }

  /** Removes entries for offsets at or above {@code offset}. */
  public void truncateTo(long offset) {
    truncateToKey(offset);
  }
}
