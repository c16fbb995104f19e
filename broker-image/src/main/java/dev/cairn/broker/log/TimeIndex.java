package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset within one segment: {@code <base offset>.timeindex}.
 *
 * <p>Format: 12-byte entries, {@code int64 timestamp} then {@code int32 relative offset}. An entry
 * is added together with an offset-index entry when the segment's largest timestamp grew since the
 * last one, so timestamps strictly increase along the file. Entry {@code (t, o)} says the largest
 * timestamp among offsets up to {@code o} is {@code t}: ListOffsets by timestamp takes the last
 * entry below its target (nothing before its offset can match) and scans forward from there.
 */
public final class TimeIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 12;

  public TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable)
      throws IOException {
    super(file, baseOffset, maxIndexSize, writable);
  }

  @Override
  int entrySize() {
    return ENTRY_SIZE;
  }

  @Override
  long keyAt(int slot) {
    return mmap.getLong(slot * ENTRY_SIZE);
  }

  @Override
  long baseOffsetKeyFloor() {
    return Long.MIN_VALUE + 1;
  }

  private long offsetAt(int slot) {
    return baseOffset + mmap.getInt(slot * ENTRY_SIZE + 8);
  }

  public long lastTimestamp() {
    int n = entries;
    return n == 0 ? -1 : keyAt(n - 1);
  }

  /** Adds {@code (timestamp, offset)} if the timestamp is above the last entry's. */
  public void maybeAppend(long timestamp, long offset) {
    if (entries > 0 && timestamp <= lastTimestamp()) {
      return;
    }
    if (isFull()) {
      throw new IllegalStateException(file + ": index full");
    }
    mmap.putLong(timestamp);
    mmap.putInt((int) (offset - baseOffset));
    entries++;
  }

  /** The offset to start scanning from for the first record at or after {@code timestamp}. */
  public long lookup(long timestamp) {
    int slot = largestLowerBoundSlot(timestamp - 1);
    return slot < 0 ? baseOffset : offsetAt(slot);
  }

  /** Removes entries for offsets at or above {@code offset}. */
  public void truncateTo(long offset) {
    int n = entries;
    int keep = 0;
    while (keep < n && offsetAt(keep) < offset) {
      keep++;
    }
    entries = keep;
    mmap.position(keep * ENTRY_SIZE);
  }
}
