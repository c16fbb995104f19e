package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.producer.ProducerStateManager.AbortedTxn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions in the log: the last stable offset, aborted transactions (and their .txnindex), the
 * state rebuilt on reload with a transaction still open, and compaction around transactions.
 */
class TransactionalLogTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final TopicPartition tp = new TopicPartition("t", 0);

  UnifiedLog open(Map<String, String> overrides, boolean clean) throws IOException {
    return UnifiedLog.load(
        tp,
        dir.resolve("t-0"),
        LogConfig.of(BrokerConfig.of(new HashMap<>()), overrides),
        clean,
        clock::get,
        FileSync.FORCE);
  }

  MemoryRecords txn(long producerId, int seq, String key, String value) {
    return MemoryRecords.withTransactionalRecords(
        Compression.NONE,
        producerId,
        (short) 0,
        seq,
        new SimpleRecord(clock.get(), key.getBytes(), value == null ? null : value.getBytes()));
  }

  MemoryRecords plain(String key, String value) {
    return MemoryRecords.withRecords(
        Compression.NONE, new SimpleRecord(clock.get(), key.getBytes(), value.getBytes()));
  }

  MemoryRecords marker(long producerId, short epoch, boolean commit) {
    return MemoryRecords.withEndTransactionMarker(
        0L,
        clock.get(),
        RecordBatch.NO_PARTITION_LEADER_EPOCH,
        producerId,
        epoch,
        new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0));
  }

  void append(UnifiedLog log, MemoryRecords records, boolean coordinator) throws IOException {
    log.appendAsLeader(records, 0, coordinator);
    log.updateHighWatermark(log.logEndOffset());
  }

  static List<String> readCommitted(UnifiedLog log) throws IOException {
    List<String> out = new ArrayList<>();
    FetchDataInfo d = log.readCommitted(log.logStartOffset(), 1 << 20, true);
    if (d.records() == null) {
      return out;
    }
    for (MutableRecordBatch b : MemoryRecords.readableRecords(d.records().readFully()).batches()) {
      for (Record r : b) {
        out.add(r.offset() + (b.isControlBatch() ? ":marker" : ""));
      }
    }
    return out;
  }

  @Test
  void theLastStableOffsetStopsAtTheFirstOpenTransactionAndSurvivesAReload() throws IOException {
    UnifiedLog log = open(Map.of(), true);
    append(log, txn(1, 0, "a", "1"), false); // 0: producer 1 opens
    append(log, plain("b", "1"), false); // 1
    append(log, txn(2, 0, "c", "1"), false); // 2: producer 2 opens
    append(log, txn(1, 1, "a", "2"), false); // 3
    assertThat(log.lastStableOffset()).isZero();
    assertThat(readCommitted(log)).isEmpty();

    append(log, marker(1, (short) 0, false), true); // 4: producer 1 aborts
    assertThat(log.lastStableOffset()).isEqualTo(2);
    assertThat(readCommitted(log)).containsExactly("0", "1");
    assertThat(log.abortedTransactions(0, 5)).containsExactly(new AbortedTxn(1, 0, 4, 2));
    assertThat(TransactionIndex.read(TransactionIndex.file(log.dir(), 0)))
        .containsExactly(new AbortedTxn(1, 0, 4, 2));
    log.close();

    for (boolean clean : new boolean[] {true, false}) {
      UnifiedLog reopened = open(Map.of(), clean);
      assertThat(reopened.lastStableOffset()).as("clean=" + clean).isEqualTo(2);
      assertThat(reopened.abortedTransactions(0, 5)).containsExactly(new AbortedTxn(1, 0, 4, 2));
      reopened.close();
    }

    UnifiedLog reopened = open(Map.of(), true);
    append(reopened, marker(2, (short) 0, true), true); // 5: producer 2 commits
    assertThat(reopened.lastStableOffset()).isEqualTo(6).isEqualTo(reopened.highWatermark());
    assertThat(readCommitted(reopened)).containsExactly("0", "1", "2", "3", "4:marker", "5:marker");
    assertThat(reopened.abortedTransactions(0, 6)).hasSize(1);
    reopened.deleteRecordsBefore(5);
    assertThat(reopened.abortedTransactions(0, 6)).as("below the log start").isEmpty();
    reopened.close();
  }

  @Test
  void producersMayNotWriteMarkersAndAMarkerWithANewEpochFencesTheOldOne() throws IOException {
    UnifiedLog log = open(Map.of(), true);
    assertThatThrownBy(() -> log.appendAsLeader(marker(1, (short) 0, true), 0))
        .isInstanceOf(InvalidRecordException.class);
    append(log, txn(1, 0, "a", "1"), false);
    append(log, marker(1, (short) 1, false), true); // the coordinator fenced epoch 0
    assertThatThrownBy(() -> log.appendAsLeader(txn(1, 1, "a", "2"), 0))
        .isInstanceOf(InvalidProducerEpochException.class);
    assertThat(log.lastStableOffset()).isEqualTo(2);
    log.close();
  }

  @Test
  void compactionKeepsMarkersAndNeverLetsAnAbortedWriteReplaceACommittedValue() throws IOException {
    Map<String, String> cfg =
        Map.of(
            "cleanup.policy", "compact",
            "segment.bytes", "200",
            "min.cleanable.dirty.ratio", "0");
    UnifiedLog log = open(cfg, true);
    append(log, txn(1, 0, "k", "committed"), false); // 0
    append(log, marker(1, (short) 0, true), true); // 1
    append(log, txn(1, 1, "k", "aborted"), false); // 2
    append(log, marker(1, (short) 0, false), true); // 3
    append(log, txn(2, 0, "k", "open"), false); // 4: still open, never cleaned
    append(log, plain("z", "1"), false); // 5
    append(log, plain("z", "2"), false); // 6
    log.compact(clock.get());
    log.close();

    UnifiedLog reopened = open(cfg, true);
    List<String> kept = new ArrayList<>();
    long offset = reopened.logStartOffset();
    while (offset < reopened.highWatermark()) {
      FetchDataInfo d = reopened.read(offset, 1 << 20, true);
      if (d.records() == null) {
        break;
      }
      for (MutableRecordBatch b :
          MemoryRecords.readableRecords(d.records().readFully()).batches()) {
        for (Record r : b) {
          String value =
              b.isControlBatch() ? "marker" : new String(UnifiedLogTest.bytes(r.value()));
          kept.add(r.offset() + ":" + value);
        }
        offset = b.nextOffset();
      }
    }
    assertThat(kept).contains("0:committed", "1:marker", "3:marker", "4:open");
    assertThat(reopened.lastStableOffset()).isEqualTo(4);
    assertThat(reopened.abortedTransactions(0, 7)).containsExactly(new AbortedTxn(1, 2, 3, 4));
    reopened.close();
  }
}
