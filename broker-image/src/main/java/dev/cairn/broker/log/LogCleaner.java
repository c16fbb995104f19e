package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;

/**
 * Log compaction for {@code cleanup.policy=compact}: keeps, for every key, only the record with the
 * highest offset. The two passes over the inactive segments (the active one is never touched):
 *
 * <ol>
 *   <li>build the offset map: key → latest offset among the inactive segments;
 *   <li>rewrite each segment into {@code <base>.log.cleaned} keeping a record only if it is the
 *       latest for its key. Offsets, timestamps and producer fields of kept records are unchanged
 *       (batches are re-written by kafka-clients' filter, keeping their codec).
 * </ol>
 *
 * <p>Tombstones (null values) are kept for {@code delete.retention.ms} after the first cleaning
 * that sees them — the rewritten batch records that horizon — so consumers get to see deletes; a
 * later cleaning drops them. Records without a key are kept (a compacted topic refuses them
 * anyway), and so are transaction markers. Swapping the cleaned file in is done by {@link
 * UnifiedLog} under its lock.
 */
final class LogCleaner {
  private LogCleaner() {}

  /** Whether the record at an offset belongs to an aborted transaction of a producer. */
  interface AbortedCheck {
    boolean aborted(long producerId, long offset);
  }

  /**
   * Key → latest offset over the given segments, read batch by batch. Transaction markers and
   * records of aborted transactions supersede nothing: an aborted write must not compact away the
   * committed value before it, and markers (all sharing one key) must all survive, or a reload
   * would take their transactions for still open.
   */
  static Map<ByteBuffer, Long> buildOffsetMap(List<LogSegment> segments, AbortedCheck aborted)
      throws IOException {
    Map<ByteBuffer, Long> latest = new HashMap<>();
    for (LogSegment s : segments) {
      for (MutableRecordBatch batch : readAll(s)) {
        if (batch.isControlBatch()
            || batch.isTransactional() && aborted.aborted(batch.producerId(), batch.baseOffset())) {
          continue;
        }
        for (Record r : batch) {
          if (r.hasKey()) {
            latest.put(copy(r.key()), r.offset());
          }
        }
      }
    }
    return latest;
  }

  /**
   * Writes the records of {@code segment} worth keeping to {@code target}; returns the bytes
   * written.
   */
  static int filterSegment(
      LogSegment segment,
      Map<ByteBuffer, Long> latest,
      long nowMs,
      long deleteRetentionMs,
      Path target)
      throws IOException {
    MemoryRecords source = MemoryRecords.readableRecords(read(segment));
    ByteBuffer out = ByteBuffer.allocate(Math.max(64, source.sizeInBytes()));
    MemoryRecords.RecordFilter filter =
        new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs) {
          @Override
          protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
          }

          @Override
          protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (!record.hasKey() || batch.isControlBatch()) {
              return true;
            }
            Long newest = latest.get(record.key());
            if (newest != null && record.offset() < newest) {
              return false;
            }
            if (!record.hasValue()) {
              return batch.deleteHorizonMs().isEmpty()
                  || batch.deleteHorizonMs().getAsLong() > currentTime;
            }
            return true;
          }
        };
    MemoryRecords.FilterResult result = source.filterTo(filter, out, BufferSupplier.NO_CACHING);
    ByteBuffer kept = result.outputBuffer().flip();
    try (FileChannel ch =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      int written = 0;
      while (kept.hasRemaining()) {
        written += ch.write(kept);
      }
      ch.force(true);
      return written;
    }
  }

  private static Iterable<MutableRecordBatch> readAll(LogSegment s) throws IOException {
    return MemoryRecords.readableRecords(read(s)).batches();
  }

  private static ByteBuffer read(LogSegment s) throws IOException {
    return s.slice(0, s.size()).readFully();
  }

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate()).flip();
    return c;
  }
}
