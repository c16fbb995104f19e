package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.log.LeaderEpochCache;
import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    var props = TestBrokers.producer(brokers.get(0));
    props.put("acks", "1");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>("t", i % 2, null, "v" + i));
      }
      producer.flush();
    }
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
