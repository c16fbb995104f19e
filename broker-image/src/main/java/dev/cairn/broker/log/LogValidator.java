package dev.cairn.broker.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Checks the record batches of a Produce request before anything is written, then stamps offsets on
 * them in place. Rules, each with the error Kafka returns:
 *
 * <ul>
 *   <li>the bytes are whole batches, back to back, nothing left over — CORRUPT_MESSAGE;
 *   <li>magic 2 only (Produce v3+ carries nothing else) — INVALID_RECORD;
 *   <li>a batch is at most {@code max.message.bytes} — MESSAGE_TOO_LARGE;
 *   <li>the CRC32C over attributes..end matches — CORRUPT_MESSAGE;
 *   <li>a known compression codec, and records whose offset deltas run 0..n-1 matching the header's
 *       count and last offset delta (compressed batches are decompressed to check, then stored as
 *       sent) — CORRUPT_MESSAGE;
 *   <li>on compacted topics every record has a key — INVALID_RECORD;
 *   <li>on CreateTime topics every record's timestamp lies within {@code
 *       message.timestamp.before.max.ms} before and {@code message.timestamp.after.max.ms} after
 *       the broker's clock — INVALID_TIMESTAMP;
 *   <li>no control batches from producers (only the transaction coordinator writes markers), and
 *       transactional batches carry a producer id — INVALID_RECORD.
 * </ul>
 *
 * <p>Offsets: batch {@code i} gets base offset = next offset; the last-offset field rewrite does
 * not touch the CRC (base offset and leader epoch lie outside it). LogAppendTime topics get the
 * batch max timestamp set, which recomputes the CRC.
 */
public final class LogValidator {
  private LogValidator() {}

  /** The validated batches' summary, used for producer-state checks and the response. */
  public record ValidatedBatches(List<BatchHeader> headers, int records) {}

  public static ValidatedBatches validate(MemoryRecords records, LogConfig config, long nowMs) {
    return validate(records, config, nowMs, false);
  }

  /** As {@link #validate(MemoryRecords, LogConfig, long)}; the coordinator may write markers. */
  public static ValidatedBatches validate(
      MemoryRecords records, LogConfig config, long nowMs, boolean fromCoordinator) {
    List<BatchHeader> headers = new ArrayList<>();
    int total = 0;
    int bytes = 0;
    ByteBuffer buffer = records.buffer();
    for (MutableRecordBatch batch : records.batches()) {
      int position = buffer.position() + bytes;
      bytes += batch.sizeInBytes();
      if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
        throw new InvalidRecordException(
            "Produce requests may only carry record batches with magic 2, got " + batch.magic());
      }
      if (batch.sizeInBytes() > config.maxMessageBytes()) {
        throw new RecordTooLargeException(
            "The batch of "
                + batch.sizeInBytes()
                + " bytes is larger than max.message.bytes "
                + config.maxMessageBytes());
      }
      batch.ensureValid();
      if (batch.isControlBatch() && !fromCoordinator) {
        throw new InvalidRecordException("producers may not write control batches");
      }
      if (batch.isTransactional() && batch.producerId() == RecordBatch.NO_PRODUCER_ID) {
        throw new InvalidRecordException("a transactional batch needs a producer id");
      }
      total += checkRecords(batch, config, nowMs);
      headers.add(BatchHeader.parse(buffer.duplicate().position(position)));
    }
    if (bytes != records.sizeInBytes() || headers.isEmpty()) {
      throw new CorruptRecordException(
          "Produce records hold "
              + records.sizeInBytes()
              + " bytes of which only "
              + bytes
              + " form whole record batches");
    }
    return new ValidatedBatches(headers, total);
  }

  private static int checkRecords(MutableRecordBatch batch, LogConfig config, long nowMs) {
    boolean compacted = config.compact();
    CompressionType codec;
    try {
      codec = batch.compressionType();
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("unknown compression codec: " + e.getMessage());
    }
    int expected = 0;
    try (CloseableIterator<Record> it =
        compacted || codec == CompressionType.NONE
            ? closeable(batch.iterator())
            : batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
      while (it.hasNext()) {
        Record r = it.next();
        if (r.offset() != batch.baseOffset() + expected) {
          throw new CorruptRecordException(
              "record offset delta "
                  + (r.offset() - batch.baseOffset())
                  + ", expected "
                  + expected);
        }
        if (compacted && !r.hasKey()) {
          throw new InvalidRecordException("Compacted topic cannot accept message without key");
        }
        if (!config.logAppendTime() && r.timestamp() != RecordBatch.NO_TIMESTAMP) {
          checkTimestamp(r, config, nowMs);
        }
        expected++;
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      if (e instanceof InvalidRecordException
          || e instanceof CorruptRecordException
          || e instanceof InvalidTimestampException) {
        throw e;
      }
      throw new CorruptRecordException("unreadable records: " + e.getMessage());
    }
    Integer count = batch.countOrNull();
    if (count == null
        || count != expected
        || batch.lastOffset() - batch.baseOffset() != expected - 1) {
      throw new CorruptRecordException(
          "batch header says "
              + count
              + " records ending at delta "
              + (batch.lastOffset() - batch.baseOffset())
              + " but holds "
              + expected);
    }
    return expected;
  }

  private static void checkTimestamp(Record r, LogConfig config, long nowMs) {
    // Saturating: the defaults are Long.MAX_VALUE (before) and one hour (after).
    long earliest =
        config.timestampBeforeMaxMs() >= nowMs
            ? Long.MIN_VALUE
            : nowMs - config.timestampBeforeMaxMs();
    long latest =
        config.timestampAfterMaxMs() > Long.MAX_VALUE - nowMs
            ? Long.MAX_VALUE
            : nowMs + config.timestampAfterMaxMs();
    if (r.timestamp() < earliest || r.timestamp() > latest) {
      throw new InvalidTimestampException(
          "Timestamp "
              + r.timestamp()
              + " of message with offset "
              + r.offset()
              + " is out of range. The timestamp should be within ["
              + earliest
              + ", "
              + latest
              + "]");
    }
  }

  private static CloseableIterator<Record> closeable(java.util.Iterator<Record> it) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Record next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Stamps offsets from {@code firstOffset} (and the leader epoch, and the append time on
   * LogAppendTime topics) on every batch in place; returns the next offset after them.
   */
  public static long assignOffsets(
      MemoryRecords records, long firstOffset, int leaderEpoch, LogConfig config, long nowMs) {
    long next = firstOffset;
    for (MutableRecordBatch batch : records.batches()) {
      long delta = batch.lastOffset() - batch.baseOffset();
      batch.setLastOffset(next + delta);
      batch.setPartitionLeaderEpoch(leaderEpoch);
      if (config.logAppendTime()) {
        batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
      }
      next += delta + 1;
    }
    return next;
  }
}
