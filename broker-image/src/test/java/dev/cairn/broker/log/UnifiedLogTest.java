package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.config.BrokerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented log: placement, rolling, indexes, recovery, retention, idempotence. */
class UnifiedLogTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final TopicPartition tp = new TopicPartition("t", 0);

  LogConfig config(Map<String, String> overrides) {
    Map<String, String> broker = new HashMap<>();
    broker.put("log.index.interval.bytes", "100");
    return LogConfig.of(BrokerConfig.of(broker), overrides);
  }

  UnifiedLog open(Map<String, String> overrides, boolean clean) throws IOException {
    return UnifiedLog.load(
        tp, dir.resolve("t-0"), config(overrides), clean, clock::get, FileSync.FORCE);
  }

  static MemoryRecords batch(long timestamp, String... values) {
    SimpleRecord[] rs = new SimpleRecord[values.length];
    for (int i = 0; i < values.length; i++) {
      rs[i] = new SimpleRecord(timestamp, ("k" + values[i]).getBytes(), values[i].getBytes());
    }
    return MemoryRecords.withRecords(Compression.NONE, rs);
  }

  static List<String> readAll(UnifiedLog log, long from) throws IOException {
    List<String> out = new ArrayList<>();
    long offset = from;
    while (offset < log.highWatermark()) {
      FetchDataInfo d = log.read(offset, 1 << 20, true);
      if (d.records() == null) {
        break;
      }
      for (MutableRecordBatch b :
          MemoryRecords.readableRecords(d.records().readFully()).batches()) {
        for (Record r : b) {
          if (r.offset() >= from) {
            out.add(r.offset() + ":" + new String(bytes(r.value())));
          }
        }
        offset = b.nextOffset();
      }
    }
    return out;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  UnifiedLog appendMany(UnifiedLog log, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      log.appendAsLeader(batch(clock.get(), "v" + i), 0);
      log.updateHighWatermark(log.logEndOffset());
    }
    return log;
  }

  @Test
  void segmentsRollBySizeAndAreNamedByTwentyDigitBaseOffset() throws IOException {
    UnifiedLog log = appendMany(open(Map.of("segment.bytes", "300"), true), 10);
    assertThat(log.numberOfSegments()).isGreaterThan(2);
    try (Stream<Path> files = Files.list(log.dir())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
          .contains("00000000000000000000.log")
          .allMatch(n -> n.matches("\\d{20}\\.log"));
    }
    assertThat(readAll(log, 0)).hasSize(10).first().isEqualTo("0:v0");
    assertThat(readAll(log, 7)).containsExactly("7:v7", "8:v8", "9:v9");
    log.close();
  }

  @Test
  void segmentsRollWhenTheFirstBatchIsOlderThanSegmentMs() throws IOException {
    UnifiedLog log = open(Map.of("segment.ms", "1000"), true);
    log.appendAsLeader(batch(clock.get(), "a"), 0);
    log.appendAsLeader(batch(clock.get() + 500, "b"), 0);
    assertThat(log.numberOfSegments()).isEqualTo(1);
    log.appendAsLeader(batch(clock.get() + 1500, "c"), 0);
    assertThat(log.numberOfSegments()).isEqualTo(2);
    log.close();
  }

  @Test
  void recoveryTruncatesATornTailAndKeepsEveryWholeBatch() throws IOException {
    UnifiedLog log = appendMany(open(Map.of(), true), 5);
    Path file = log.dir().resolve(LogSegment.fileName(0, ".log"));
    long good = Files.size(file);
    log.flush();
    // Simulate a crash: no close, then half a batch and garbage after the last good batch.
    MemoryRecords extra = batch(clock.get(), "torn");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer half = extra.buffer().duplicate();
      half.limit(half.limit() / 2);
      ch.write(half, good);
    }
    UnifiedLog reopened = open(Map.of(), false);
    assertThat(reopened.logEndOffset()).isEqualTo(5);
    assertThat(Files.size(file)).isEqualTo(good);
    assertThat(readAll(reopened, 0)).hasSize(5);
    reopened.appendAsLeader(batch(clock.get(), "after"), 0);
    reopened.updateHighWatermark(reopened.logEndOffset());
    assertThat(readAll(reopened, 5)).containsExactly("5:after");
    reopened.close();
  }

  @Test
  void recoveryDropsABatchWhoseCrcDoesNotMatch() throws IOException {
    UnifiedLog log = appendMany(open(Map.of(), true), 3);
    log.flush();
    Path file = log.dir().resolve(LogSegment.fileName(0, ".log"));
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), size - 2);
    }
    UnifiedLog reopened = open(Map.of(), false);
    assertThat(reopened.logEndOffset()).isEqualTo(2);
    assertThat(readAll(reopened, 0)).containsExactly("0:v0", "1:v1");
    reopened.close();
  }

  @Test
  void missingIndexesAreRebuiltAndLookupsStillFindEveryOffset() throws IOException {
    UnifiedLog log = appendMany(open(Map.of("segment.bytes", "2000"), true), 40);
    int segments = log.numberOfSegments();
    log.close();
    try (Stream<Path> files = Files.list(dir.resolve("t-0"))) {
      for (Path f : files.filter(p -> p.toString().endsWith("index")).toList()) {
        Files.delete(f);
      }
    }
    UnifiedLog reopened = open(Map.of("segment.bytes", "2000"), true);
    assertThat(reopened.numberOfSegments()).isEqualTo(segments);
    for (int i = 0; i < 40; i += 7) {
      assertThat(readAll(reopened, i).get(0)).isEqualTo(i + ":v" + i);
    }
    reopened.close();
  }

  @Test
  void retentionDeletesWholeOldSegmentsBySizeAndByTime() throws IOException {
    UnifiedLog log =
        appendMany(open(Map.of("segment.bytes", "300", "retention.bytes", "600"), true), 20);
    int before = log.numberOfSegments();
    assertThat(log.deleteOldSegments(clock.get())).isPositive();
    assertThat(log.numberOfSegments()).isLessThan(before);
    assertThat(log.size()).isLessThanOrEqualTo(600 + 300);
    assertThat(log.logStartOffset()).isPositive();
    assertThatThrownBy(() -> log.read(0, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
    log.close();

    UnifiedLog timed =
        UnifiedLog.load(
            new TopicPartition("u", 0),
            dir.resolve("u-0"),
            config(Map.of("segment.bytes", "300", "retention.ms", "60000")),
            true,
            clock::get,
            FileSync.FORCE);
    appendMany(timed, 10);
    clock.addAndGet(61_000);
    timed.deleteOldSegments(clock.get());
    assertThat(timed.numberOfSegments()).isEqualTo(1);
    timed.close();
  }

  @Test
  void deleteRecordsMovesTheLogStartOffsetDurably() throws IOException {
    UnifiedLog log = appendMany(open(Map.of("segment.bytes", "300"), true), 10);
    assertThat(log.deleteRecordsBefore(6)).isEqualTo(6);
    assertThatThrownBy(() -> log.deleteRecordsBefore(11))
        .isInstanceOf(OffsetOutOfRangeException.class);
    log.close();
    UnifiedLog reopened = open(Map.of("segment.bytes", "300"), true);
    assertThat(reopened.logStartOffset()).isEqualTo(6);
    assertThat(readAll(reopened, 6).get(0)).isEqualTo("6:v6");
    reopened.close();
  }

  @Test
  void deleteRecordsIsAPolicyViolationOnACompactOnlyLog() throws IOException {
    UnifiedLog log = appendMany(open(Map.of("cleanup.policy", "compact"), true), 3);
    assertThatThrownBy(() -> log.deleteRecordsBefore(1))
        .isInstanceOf(PolicyViolationException.class);
    assertThat(log.logStartOffset()).isZero();
    log.close();
  }

  /**
   * A follower fetching 200 bytes at a time gets answers that end inside a batch (the leader cuts
   * at the fetch size): it appends the whole batches, drops the tail and fetches it again whole.
   * Appending the tail once advanced the log end past records it never wrote.
   */
  @Test
  void aFollowerAppendDropsATrailingPartialBatchAndCopiesEveryRecord() throws IOException {
    UnifiedLog leader = appendMany(open(Map.of(), true), 20);
    UnifiedLog follower =
        UnifiedLog.load(tp, dir.resolve("f-0"), config(Map.of()), true, clock::get, FileSync.FORCE);
    int fetches = 0;
    while (follower.logEndOffset() < leader.logEndOffset() && fetches++ < 100) {
      FetchDataInfo d = leader.readToEnd(follower.logEndOffset(), 200, true);
      follower.appendAsFollower(MemoryRecords.readableRecords(d.records().readFully()));
    }
    follower.updateHighWatermark(follower.logEndOffset());
    assertThat(fetches).as("fetches").isLessThan(100);
    assertThat(readAll(follower, 0)).isEqualTo(readAll(leader, 0)).hasSize(20);
    assertThat(Files.size(dir.resolve("f-0").resolve("00000000000000000000.log")))
        .isEqualTo(Files.size(dir.resolve("t-0").resolve("00000000000000000000.log")));
  }

  @Test
  void aRetriedIdempotentBatchIsAnsweredWithItsOriginalOffsetAndNotWrittenTwice()
      throws IOException {
    UnifiedLog log = open(Map.of(), true);
    SimpleRecord r = new SimpleRecord(clock.get(), "k".getBytes(), "v".getBytes());
    LogAppendInfo first =
        log.appendAsLeader(
            MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 0, r, r), 0);
    LogAppendInfo again =
        log.appendAsLeader(
            MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 0, r, r), 0);
    assertThat(again.firstOffset()).isEqualTo(first.firstOffset()).isZero();
    assertThat(log.logEndOffset()).isEqualTo(2);
    assertThatThrownBy(() ->
            log.appendAsLeader(
                MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 5, r), 0))
        .isInstanceOf(OutOfOrderSequenceException.class);
    log.appendAsLeader(
        MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 2, r), 0);
    log.close();
    UnifiedLog reopened = open(Map.of(), true);
    assertThat(
            reopened
                .appendAsLeader(
                    MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 2, r), 0)
                .firstOffset())
        .as("duplicate detection survives a restart")
        .isEqualTo(2);
    reopened.close();
  }

  @Test
  void validationRejectsCorruptAndOversizedBatches() throws IOException {
    UnifiedLog log = open(Map.of("max.message.bytes", "200"), true);
    MemoryRecords corrupt = batch(clock.get(), "abc");
    ByteBuffer b = corrupt.buffer();
    b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 1));
    assertThatThrownBy(() -> log.appendAsLeader(corrupt, 0))
        .isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> log.appendAsLeader(batch(clock.get(), "x".repeat(500)), 0))
        .isInstanceOf(RecordTooLargeException.class);
    assertThat(log.logEndOffset()).isZero();
    log.close();
  }

  MemoryRecords keyed(String key, String value) {
    return MemoryRecords.withRecords(
        Compression.NONE,
        new SimpleRecord(clock.get(), key.getBytes(), value == null ? null : value.getBytes()));
  }

  List<String> keyValues(UnifiedLog log) throws IOException {
    List<String> out = new ArrayList<>();
    long offset = log.logStartOffset();
    while (offset < log.highWatermark()) {
      FetchDataInfo d = log.read(offset, 1 << 20, true);
      if (d.records() == null) {
        break;
      }
      for (MutableRecordBatch b :
          MemoryRecords.readableRecords(d.records().readFully()).batches()) {
        for (Record r : b) {
          out.add(
              r.offset()
                  + ":"
                  + new String(bytes(r.key()))
                  + "="
                  + (r.hasValue() ? new String(bytes(r.value())) : "null"));
        }
        offset = b.nextOffset();
      }
    }
    return out;
  }

  @Test
  void compactionKeepsTheLatestValuePerKeyAndTombstonesForDeleteRetention() throws IOException {
    Map<String, String> cfg =
        Map.of(
            "cleanup.policy", "compact",
            "segment.bytes", "200",
            "delete.retention.ms", "1000",
            // Every pass cleans, however little is new: this test is about what a pass keeps.
            "min.cleanable.dirty.ratio", "0");
    UnifiedLog log = open(cfg, true);
    String[][] writes = {
      {"a", "1"},
      {"b", "1"},
      {"a", "2"},
      {"c", "1"},
      {"b", null},
      {"a", "3"},
      {"d", "1"},
      {"d", "2"}
    };
    for (String[] w : writes) {
      log.appendAsLeader(keyed(w[0], w[1]), 0);
    }
    log.updateHighWatermark(log.logEndOffset());
    long end = log.logEndOffset();
    assertThat(log.compact(clock.get())).isPositive();
    List<String> after = keyValues(log);
    assertThat(after).containsSubsequence("3:c=1", "4:b=null", "5:a=3");
    assertThat(after)
        .noneMatch(e -> e.startsWith("0:") || e.startsWith("1:") || e.startsWith("2:"));
    assertThat(log.logEndOffset()).isEqualTo(end);

    log.appendAsLeader(keyed("e", "1"), 0);
    log.updateHighWatermark(log.logEndOffset());
    clock.addAndGet(5_000);
    log.compact(clock.get());
    assertThat(keyValues(log)).noneMatch(e -> e.contains("b=null")).contains("5:a=3", "3:c=1");
    log.close();

    UnifiedLog reopened = open(cfg, true);
    assertThat(keyValues(reopened)).contains("5:a=3", "3:c=1");
    assertThat(reopened.logEndOffset()).isEqualTo(end + 1);
    reopened.close();
  }

  @Test
  void compactionWaitsForTheMinimumLagAndTheDirtyRatioUnlessTheMaximumLagPassed()
      throws IOException {
    Map<String, String> cfg = new HashMap<>();
    cfg.put("cleanup.policy", "compact");
    cfg.put("segment.bytes", "200");
    cfg.put("min.compaction.lag.ms", "10000");
    UnifiedLog log = open(cfg, true);
    // Two batches a segment: [a=1 a=2] [k1 k2] [k3 k4] [k5 k6]
    for (String[] w : new String[][] {{"a", "1"}, {"a", "2"}, {"k1", "1"}, {"k2", "1"}}) {
      log.appendAsLeader(keyed(w[0], w[1]), 0);
    }
    for (String k : List.of("k3", "k4", "k5", "k6")) {
      log.appendAsLeader(keyed(k, "1"), 0);
    }
    log.updateHighWatermark(log.logEndOffset());
    assertThat(log.compact(clock.get())).as("younger than min.compaction.lag.ms").isZero();
    clock.addAndGet(10_000);
    assertThat(log.compact(clock.get())).as("a=1 removed").isPositive();

    // [k5 k6] and [k1=2 y] become dirty: 280 of about 630 bytes, under the 0.5 default.
    for (String[] w : new String[][] {{"k1", "2"}, {"y", "1"}, {"z", "1"}}) {
      log.appendAsLeader(keyed(w[0], w[1]), 0);
    }
    log.updateHighWatermark(log.logEndOffset());
    clock.addAndGet(10_000);
    assertThat(log.compact(clock.get())).as("dirty share below 0.5").isZero();

    cfg.put("max.compaction.lag.ms", "5000");
    log.updateConfig(config(cfg));
    assertThat(log.compact(clock.get())).as("overdue: k1=1 removed").isPositive();
    log.close();
  }

  @Test
  void aCompactedLogRollsByMaxCompactionLagSoItsActiveSegmentGetsCleaned() throws IOException {
    UnifiedLog log =
        open(Map.of("cleanup.policy", "compact", "max.compaction.lag.ms", "1000"), true);
    log.appendAsLeader(keyed("a", "1"), 0);
    clock.addAndGet(1_001);
    log.appendAsLeader(keyed("a", "2"), 0);
    assertThat(log.numberOfSegments()).isEqualTo(2);
    log.close();
  }

  @Test
  void segmentJitterRollsASegmentBeforeSegmentMs() throws IOException {
    UnifiedLog log = open(Map.of("segment.ms", "100000", "segment.jitter.ms", "100000"), true);
    log.appendAsLeader(keyed("a", "0"), 0);
    // This segment's jitter J is in [0, 100000): it rolls once older than 100000 - J, so by the
    // time it is 100000 ms old unless J is 0 (one chance in 100,000); without jitter, after.
    long rolledAtAge = -1;
    for (long age = 1_000; age <= 101_000 && rolledAtAge < 0; age += 1_000) {
      clock.addAndGet(1_000);
      log.appendAsLeader(keyed("a", "" + age), 0);
      if (log.numberOfSegments() > 1) {
        rolledAtAge = age;
      }
    }
    assertThat(rolledAtAge).isBetween(1_000L, 100_000L);
    log.close();
  }

  @Test
  void aPreallocatedSegmentIsCutBackToItsDataOnCloseAndRecoveredAfterACrash() throws IOException {
    Map<String, String> cfg = Map.of("preallocate", "true", "segment.bytes", "1048576");
    UnifiedLog log = open(cfg, true);
    log.appendAsLeader(batch(clock.get(), "a", "b"), 0);
    Path segment = dir.resolve("t-0").resolve(LogSegment.fileName(0, ".log"));
    assertThat(Files.size(segment)).isEqualTo(1_048_576);
    log.close();
    long dataSize = Files.size(segment);
    assertThat(dataSize).isLessThan(1_000);

    UnifiedLog reopened = open(cfg, true);
    assertThat(reopened.logEndOffset()).isEqualTo(2);
    reopened.appendAsLeader(batch(clock.get(), "c"), 0);
    reopened.flush();
    // No close: the file keeps its preallocated zeros, as after a crash.
    UnifiedLog recovered = open(cfg, false);
    assertThat(recovered.logEndOffset()).isEqualTo(3);
    assertThat(readAll(recovered, 0)).containsExactly("0:a", "1:b", "2:c");
    recovered.close();
  }
}
