package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.DefaultRecordBatch;

/**
 * The fixed 61-byte header of a record batch (magic 2), read without touching the records: {@code
 * baseOffset int64, length int32, partitionLeaderEpoch int32, magic int8, crc uint32, attributes
 * int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId int64,
 * producerEpoch int16, baseSequence int32, recordCount int32}; {@code attributes} at byte 21.
 * {@code length} counts the bytes after itself, so a batch occupies {@code length + 12} bytes.
 */
public record BatchHeader(
    long baseOffset,
    int sizeInBytes,
    int partitionLeaderEpoch,
    byte magic,
    long lastOffset,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount,
    short attributes) {

  public static final int SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

  /** Bytes before the length field's end: the smallest prefix that tells a batch's size. */
  public static final int LOG_OVERHEAD = 12;

  /**
   * Reads the header at {@code position}, or null if fewer than {@link #SIZE} bytes remain before
   * {@code end}.
   */
  public static BatchHeader read(FileChannel channel, long position, long end) throws IOException {
    if (end - position < SIZE) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(SIZE);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        return null;
      }
    }
    return parse(buf.flip());
  }

  /** The headers of the whole batches between the buffer's position and limit. */
  public static java.util.List<BatchHeader> all(ByteBuffer buf) {
    java.util.List<BatchHeader> result = new java.util.ArrayList<>();
    ByteBuffer b = buf.duplicate();
    while (b.remaining() >= SIZE) {
      BatchHeader h = parse(b);
      if (h.sizeInBytes() > b.remaining()) {
        break;
      }
      result.add(h);
      b.position(b.position() + h.sizeInBytes());
    }
    return result;
  }

  /** Parses the header at the buffer's position (not moved). */
  public static BatchHeader parse(ByteBuffer buf) {
    int p = buf.position();
    return new BatchHeader(
        buf.getLong(p),
        buf.getInt(p + 8) + LOG_OVERHEAD,
        buf.getInt(p + 12),
        buf.get(p + 16),
        buf.getLong(p) + buf.getInt(p + DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET),
        buf.getLong(p + 35),
        buf.getLong(p + 43),
        buf.getShort(p + 51),
        buf.getInt(p + 53),
        buf.getInt(p + DefaultRecordBatch.RECORDS_COUNT_OFFSET),
        buf.getShort(p + 21));
  }

  /** Part of a transaction (attributes bit 4). */
  public boolean isTransactional() {
    return (attributes & 0x10) != 0;
  }

  /** A control batch: a transaction's commit or abort marker (attributes bit 5). */
  public boolean isControl() {
    return (attributes & 0x20) != 0;
  }
}
