package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.broker.log.LeaderEpochCache;
import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import dev.cairn.common.testkit.EngineExtension;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that cannot apply one partition's data (here: its log throws an unexpected exception,
 * as a bug meeting unusual data would) stops replicating that partition only, as Kafka marks it
 * failed, instead of backing off and retrying the same failure forever: the partition's data is
 * tried once, the fetcher reports it failed, and its other partition keeps replicating.
 */
class ReplicaFetcherFailureTest {
  private static final int RECORDS = 200;
  private static final long BACKOFF_MS = 50;

  @TempDir Path dir;
  private TestingServer zk;
  private final List<BrokerEngine> brokers = new ArrayList<>();
  private ReplicaFetcher fetcher;

  @AfterEach
  void stop() throws Exception {
    if (fetcher != null) {
      fetcher.shutdown();
    }
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(1));
    }
    zk.close();
  }

  @Test
  void anUnexpectedFailureStopsThatPartitionOnlyAndIsNotRetried() throws Exception {
    zk = new TestingServer(true);
    brokers.addAll(TestBrokers.startCluster(zk.getConnectString(), dir, 2));
    try (Admin admin = Admin.create(TestBrokers.admin(brokers.get(0)))) {
      admin
          .createTopics(List.of(new NewTopic("t", Map.of(0, List.of(1, 2), 1, List.of(1, 2)))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    produceToBothPartitions("t");
    // This test's fetcher takes broker 2's place as the follower of both partitions.
    brokers.remove(1).stop(Duration.ofSeconds(1));

    TopicPartition broken = new TopicPartition("t", 0);
    TopicPartition healthy = new TopicPartition("t", 1);
    MemoryLog brokenLog = new MemoryLog(true);
    MemoryLog healthyLog = new MemoryLog(false);
    fetcher =
        new ReplicaFetcher(
            new ReplicaFetcher.Settings(
                2, InetAddress.getLoopbackAddress(), 100, 1, 1 << 20, 1 << 20, 5_000, BACKOFF_MS),
            1,
            () -> brokers.get(0).boundAddress(),
            (tp, e) -> {});
    fetcher.add(broken, new FollowerReplica<>(brokenLog, 1, -1));
    fetcher.add(healthy, new FollowerReplica<>(healthyLog, 1, -1));
    fetcher.start();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> healthyLog.logEndOffset() == RECORDS / 2 && !fetcher.failed().isEmpty());
    // Twenty backoffs later, the old fetcher would have tried the broken partition twenty times.
    Thread.sleep(20 * BACKOFF_MS);

    assertThat(fetcher.failed()).isEqualTo(Set.of(broken));
    assertThat(brokenLog.appends.get()).isEqualTo(1);
    assertThat(fetcher.follower(broken)).isNotNull();
    assertThat(fetcher.isEmpty()).isFalse();
    assertThat(healthyLog.logEndOffset()).isEqualTo(RECORDS / 2);
  }

  /**
   * The same failure in a broker's own fetcher — the disk under one partition it follows fails —
   * shows in its metrics, as Kafka's FailedPartitionsCount; the partition on the other log dir
   * keeps replicating.
   */
  @Test
  void aBrokersFailedFollowerPartitionIsCountedInItsMetrics() throws Exception {
    zk = new TestingServer(true);
    brokers.add(
        EngineExtension.startAndAwaitReady(
            TestBrokers.broker(
                zk.getConnectString(), dir.resolve("logs1"), Map.of("broker.id", "1"))));
    Path a = dir.resolve("logs2a");
    Path b = dir.resolve("logs2b");
    Set<Path> failingDirs = ConcurrentHashMap.newKeySet();
    FileSync disk = TestBrokers.failingUnder(failingDirs);
    Map<String, String> cfg = TestBrokers.baseConfig(zk.getConnectString(), a);
    cfg.put("broker.id", "2");
    cfg.put("log.dirs", a + "," + b);
    List<String> fatal = new CopyOnWriteArrayList<>();
    BrokerEngine follower =
        EngineExtension.startAndAwaitReady(
            new BrokerEngine(BrokerConfig.of(cfg), disk, fatal::add));
    brokers.add(follower);
    TopicPartition p0 = new TopicPartition("disk", 0);
    TopicPartition p1 = new TopicPartition("disk", 1);
    try (Admin admin = Admin.create(TestBrokers.admin(brokers.get(0)))) {
      // flush.messages=1: every append the follower makes fsyncs.
      admin
          .createTopics(
              List.of(
                  new NewTopic("disk", Map.of(0, List.of(1, 2), 1, List.of(1, 2)))
                      .configs(Map.of("flush.messages", "1"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> follower.logManager().get(p0) != null && follower.logManager().get(p1) != null);
    TopicPartition onA = follower.logManager().get(p0).dir().startsWith(a) ? p0 : p1;
    TopicPartition onB = onA == p0 ? p1 : p0;
    assertThat(follower.logManager().get(onB).dir().startsWith(b)).isTrue();
    assertThat(failedPartitions(follower)).isZero();

    failingDirs.add(a);
    produceToBothPartitions("disk");

    await().atMost(Duration.ofSeconds(20)).until(() -> failedPartitions(follower) == 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> follower.logManager().get(onB).logEndOffset() == RECORDS / 2);
    assertThat(failedPartitions(follower)).isEqualTo(1);
    assertThat(fatal).isEmpty();
  }

  /** {@link #RECORDS} records through broker 1, half to each partition. */
  private void produceToBothPartitions(String topic) {
    var props = TestBrokers.producer(brokers.get(0));
    props.put("acks", "1");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, null, "v" + i));
      }
      producer.flush();
    }
  }

  private static double failedPartitions(BrokerEngine broker) throws Exception {
    String name = "cairn_broker_replica_fetcher_failed_partitions";
    return TestBrokers.metrics(broker)
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not exported"));
  }

  /** A follower's log in memory: its end and epoch from the batches it took. */
  private static final class MemoryLog implements ReplicaLog<MemoryRecords> {
    final boolean broken;
    final AtomicInteger appends = new AtomicInteger();
    volatile long end;
    volatile long hw;
    volatile int epoch = -1;

    MemoryLog(boolean broken) {
      this.broken = broken;
    }

    @Override
    public long logStartOffset() {
      return 0;
    }

    @Override
    public long logEndOffset() {
      return end;
    }

    @Override
    public long highWatermark() {
      return hw;
    }

    @Override
    public void updateHighWatermark(long offset) {
      hw = offset;
    }

    @Override
    public EpochEnd endOffsetForEpoch(int e) {
      return LeaderEpochCache.UNDEFINED;
    }

    @Override
    public int latestEpoch() {
      return epoch;
    }

    @Override
    public void appendAsFollower(MemoryRecords batches) {
      appends.incrementAndGet();
      if (broken) {
        throw new IllegalStateException("a bug meeting unusual data");
      }
      for (RecordBatch b : batches.batches()) {
        end = b.nextOffset();
        epoch = b.partitionLeaderEpoch();
      }
    }

    @Override
    public void truncateTo(long offset) {
      end = Math.min(end, offset);
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
      end = offset;
    }
  }
}
