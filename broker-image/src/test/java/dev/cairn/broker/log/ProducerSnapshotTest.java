package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.producer.ProducerStateManager.AbortedTxn;
import dev.cairn.broker.producer.ProducerStateManager.ProducerSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer state snapshots: a restart restores idempotence and transaction state from the latest
 * snapshot and reads only the batches after it; a damaged or missing snapshot (or epoch checkpoint)
 * makes the log fall back to an older snapshot or to its batches, never to a wrong state;
 * truncation reloads from the snapshots it leaves; idle producers expire.
 */
class ProducerSnapshotTest {
  /** A few one-record batches per segment, so the log below has several. */
  static final Map<String, String> SMALL_SEGMENTS = Map.of("segment.bytes", "300");

  static final long IDEMPOTENT = 1;
  static final long ABORTING = 2;
  static final long OPEN = 3;

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final TopicPartition tp = new TopicPartition("t", 0);

  Path logDir() {
    return dir.resolve("t-0");
  }

  UnifiedLog open(boolean clean) throws IOException {
    Map<String, String> broker = new HashMap<>();
    broker.put("log.index.interval.bytes", "100");
    return UnifiedLog.load(
        tp,
        logDir(),
        LogConfig.of(BrokerConfig.of(broker), SMALL_SEGMENTS),
        clean,
        clock::get,
        FileSync.FORCE);
  }

  MemoryRecords idempotent(long producerId, int seq) {
    return MemoryRecords.withIdempotentRecords(
        Compression.NONE,
        producerId,
        (short) 0,
        seq,
        new SimpleRecord(clock.get(), "k".getBytes(), ("v" + seq).getBytes()));
  }

  MemoryRecords transactional(long producerId, int seq) {
    return MemoryRecords.withTransactionalRecords(
        Compression.NONE,
        producerId,
        (short) 0,
        seq,
        new SimpleRecord(clock.get(), "k".getBytes(), ("t" + seq).getBytes()));
  }

  MemoryRecords abortMarker(long producerId) {
    return MemoryRecords.withEndTransactionMarker(
        0L,
        clock.get(),
        RecordBatch.NO_PARTITION_LEADER_EPOCH,
        producerId,
        (short) 0,
        new EndTransactionMarker(ControlRecordType.ABORT, 0));
  }

  LogAppendInfo append(UnifiedLog log, MemoryRecords records, int epoch, boolean coordinator)
      throws IOException {
    LogAppendInfo info = log.appendAsLeader(records, epoch, coordinator);
    log.updateHighWatermark(log.logEndOffset());
    return info;
  }

  /**
   * Twelve idempotent batches (sequences 0-11), an aborted transaction and a transaction left open,
   * over leader epochs 0, 3 and 5 and several segments.
   */
  UnifiedLog fill() throws IOException {
    UnifiedLog log = open(true);
    for (int seq = 0; seq < 12; seq++) {
      append(log, idempotent(IDEMPOTENT, seq), seq < 4 ? 0 : 3, false);
      if (seq == 5) {
        append(log, transactional(ABORTING, 0), 3, false);
        append(log, transactional(ABORTING, 1), 3, false);
        append(log, abortMarker(ABORTING), 3, true);
      }
    }
    append(log, transactional(OPEN, 0), 5, false);
    append(log, idempotent(IDEMPOTENT, 12), 5, false);
    assertThat(log.numberOfSegments()).isGreaterThan(4);
    return log;
  }

  /** What a user can observe of the producer state. */
  record Observed(
      List<ProducerSnapshot> producers,
      long lastStableOffset,
      List<AbortedTxn> aborted,
      long epochThreeEnd) {}

  static Observed observe(UnifiedLog log) {
    return new Observed(
        log.producers().stream()
            .sorted(java.util.Comparator.comparingLong(ProducerSnapshot::producerId))
            .toList(),
        log.lastStableOffset(),
        log.abortedTransactions(0, Long.MAX_VALUE),
        log.endOffsetForEpoch(3).endOffset());
  }

  /**
   * Idempotence as a retrying producer sees it: a retry of any of its last five batches is answered
   * with the original offsets and not written again; the next sequence is accepted and a gap is
   * not.
   */
  void assertIdempotence(UnifiedLog log) throws IOException {
    long end = log.logEndOffset();
    assertThat(append(log, idempotent(IDEMPOTENT, 9), 5, false).firstOffset())
        .as("retry of sequence 9")
        .isEqualTo(OFFSET_OF_SEQ_9);
    assertThat(log.logEndOffset()).as("nothing written for a duplicate").isEqualTo(end);
    assertThatThrownBy(() -> append(log, idempotent(IDEMPOTENT, 15), 5, false))
        .isInstanceOf(OutOfOrderSequenceException.class);
    assertThat(append(log, idempotent(IDEMPOTENT, 13), 5, false).firstOffset()).isEqualTo(end);
  }

  /** Sequences 0-5 at 0-5, the aborted transaction at 6-8, then sequences 6-11 at 9-14. */
  static final long OFFSET_OF_SEQ_9 = 12;

  @Test
  void aCleanRestartReadsNoBatchAndRestoresEveryProducer() throws IOException {
    UnifiedLog log = fill();
    Observed before = observe(log);
    assertThat(before.lastStableOffset()).isEqualTo(15);
    assertThat(before.aborted()).containsExactly(new AbortedTxn(ABORTING, 6, 8, 9));
    log.close();

    UnifiedLog reopened = open(true);
    assertThat(reopened.batchesReplayedOnLoad()).isZero();
    assertThat(observe(reopened)).isEqualTo(before);
    assertIdempotence(reopened);
    reopened.close();
  }

  @Test
  void aCrashReplaysOnlyTheBatchesAfterTheLastRoll() throws IOException {
    UnifiedLog log = fill();
    Observed before = observe(log);
    long activeBatches = log.logEndOffset() - lastSnapshotOffset();
    // No close: as after kill -9, no snapshot at the log end and no clean-shutdown marker.

    UnifiedLog reopened = open(false);
    assertThat(reopened.batchesReplayedOnLoad()).isBetween(1L, activeBatches);
    assertThat(observe(reopened)).isEqualTo(before);
    assertIdempotence(reopened);
    reopened.close();
  }

  @Test
  void aFlippedByteInTheLatestSnapshotFallsBackToAnOlderOne() throws IOException {
    UnifiedLog log = fill();
    Observed before = observe(log);
    log.close();
    long latest = lastSnapshotOffset();
    flipByte(ProducerSnapshotFile.file(logDir(), latest));

    UnifiedLog reopened = open(true);
    assertThat(reopened.batchesReplayedOnLoad()).isPositive();
    assertThat(observe(reopened)).isEqualTo(before);
    assertThat(ProducerSnapshotFile.offsets(logDir()))
        .as("damaged one deleted")
        .doesNotContain(latest);
    assertIdempotence(reopened);
    reopened.close();
  }

  @Test
  void withEverySnapshotDamagedOrGoneTheStateComesFromTheLog() throws IOException {
    UnifiedLog log = fill();
    Observed before = observe(log);
    long end = log.logEndOffset();
    log.close();
    List<Long> snapshots = ProducerSnapshotFile.offsets(logDir());
    assertThat(snapshots).hasSizeGreaterThan(2);
    for (long offset : snapshots) {
      flipByte(ProducerSnapshotFile.file(logDir(), offset));
    }
    Files.delete(logDir().resolve(LeaderEpochCheckpoint.FILE));

    UnifiedLog reopened = open(false);
    assertThat(reopened.batchesReplayedOnLoad()).as("every batch").isEqualTo(end);
    assertThat(observe(reopened)).isEqualTo(before);
    reopened.close();

    for (long offset : ProducerSnapshotFile.offsets(logDir())) {
      Files.delete(ProducerSnapshotFile.file(logDir(), offset));
    }
    UnifiedLog again = open(true);
    assertThat(observe(again)).isEqualTo(before);
    assertIdempotence(again);
    again.close();
  }

  @Test
  void aTruncatedLogReloadsTheStateFromTheSnapshotsBelowTheNewEnd() throws IOException {
    UnifiedLog log = fill();
    long end = log.logEndOffset();
    // Back to before sequence 10 (offset 13): the snapshots past it describe lost batches.
    log.truncateTo(13);
    assertThat(ProducerSnapshotFile.offsets(logDir())).allMatch(o -> o <= 13);
    assertThat(log.batchesReplayedOnLoad()).isLessThan(end);
    ProducerSnapshot p =
        log.producers().stream().filter(s -> s.producerId() == IDEMPOTENT).findFirst().get();
    assertThat(p.lastSequence()).isEqualTo(9);
    assertThat(log.lastStableOffset()).as("the open transaction went too").isEqualTo(13);
    assertThat(append(log, idempotent(IDEMPOTENT, 10), 6, false).firstOffset()).isEqualTo(13);
    log.close();
  }

  @Test
  void idleProducersExpireButOpenTransactionsStay() throws IOException {
    UnifiedLog log = fill();
    clock.addAndGet(60_000);
    assertThat(log.removeExpiredProducers(clock.get(), 60_001)).isZero();
    assertThat(log.removeExpiredProducers(clock.get(), 60_000)).isEqualTo(2);
    assertThat(log.producers()).extracting(ProducerSnapshot::producerId).containsExactly(OPEN);
    assertThat(log.lastStableOffset()).isEqualTo(15);
    // As Kafka 4: a producer the partition no longer knows is accepted at any sequence.
    long end = log.logEndOffset();
    assertThat(append(log, idempotent(IDEMPOTENT, 40), 5, false).firstOffset()).isEqualTo(end);
    log.close();

    UnifiedLog reopened = open(true);
    assertThat(reopened.producers())
        .extracting(ProducerSnapshot::producerId)
        .containsExactlyInAnyOrder(OPEN, IDEMPOTENT);
    assertThat(append(reopened, idempotent(IDEMPOTENT, 41), 5, false).firstOffset())
        .isEqualTo(end + 1);
    reopened.close();
  }

  private long lastSnapshotOffset() throws IOException {
    List<Long> offsets = ProducerSnapshotFile.offsets(logDir());
    return offsets.get(offsets.size() - 1);
  }

  private static void flipByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
  }
}
