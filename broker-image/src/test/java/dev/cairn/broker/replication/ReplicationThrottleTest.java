package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication throttles as kafka-reassign-partitions.sh --throttle sets them: the leader's {@code
 * leader.replication.throttled.rate} (a dynamic broker config) over the replicas its topic lists in
 * {@code leader.replication.throttled.replicas}, and the follower's {@code
 * follower.replication.throttled.rate} over {@code follower.replication.throttled.replicas}. A new
 * replica copying {@value #BYTES} bytes through a 400 KiB/s throttle takes about as long as the
 * rate allows; the same copy unthrottled is faster than that, also when the follower fetches 64 KiB
 * at a time.
 */
class ReplicationThrottleTest {
  private static final int BYTES = 4 * 1024 * 1024;
  private static final long RATE = 400 * 1024;
  private static final int FETCH_MAX_BYTES = 1024 * 1024;
  private static final int SMALL_FETCH = 64 * 1024;
  private static final Duration SMALL_FETCH_BOUND = Duration.ofMillis(BYTES / SMALL_FETCH * 150L);
  private static final Logger log = LoggerFactory.getLogger(ReplicationThrottleTest.class);

  @TempDir Path dir;
  private TestingServer zk;
  private final List<BrokerEngine> brokers = new ArrayList<>();
  private Admin admin;

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
    brokers.addAll(TestBrokers.startCluster(zk.getConnectString(), dir, 2));
    admin = Admin.create(TestBrokers.admin(brokers.get(0)));
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(1));
    }
    zk.close();
  }

  /** A topic on broker 1 only, holding {@link #BYTES} bytes. */
  private void fill(String topic) throws Exception {
    admin
        .createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1)))))
        .all()
        .get(30, TimeUnit.SECONDS);
    byte[] value = new byte[1024];
    var props = TestBrokers.producer(brokers.get(0));
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("acks", "1");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < BYTES / value.length; i++) {
        producer.send(new ProducerRecord<>(topic, 0, null, value));
      }
      producer.flush();
    }
  }

  /** Adds a replica on broker 2 and returns how long until it is in sync. */
  private Duration copyToBroker2(String topic) throws Exception {
    return copyTo(topic, 2);
  }

  /** Adds a replica on {@code broker} and returns how long until it is in sync. */
  private Duration copyTo(String topic, int broker) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    long start = System.nanoTime();
    admin
        .alterPartitionReassignments(
            Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, broker)))))
        .all()
        .get(30, TimeUnit.SECONDS);
    long deadline = start + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var p =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0);
      if (p.isr().size() == 2
          && admin.listPartitionReassignments().reassignments().get().isEmpty()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(100);
    }
    throw new AssertionError(topic + " not copied to broker " + broker + " within 60 s");
  }

  /** Throttles {@code topic}'s copy as {@code broker}'s {@code side} ("leader"/"follower"). */
  private void throttle(String topic, int broker, String side, String replicas) throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.BROKER, "" + broker),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry(side + ".replication.throttled.rate", "" + RATE),
                        AlterConfigOp.OpType.SET)),
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry(side + ".replication.throttled.replicas", replicas),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * The first fetch (replica.fetch.max.bytes, 1 MiB) goes out at once, as in Kafka; each next one
   * once the rate over the window is back under 400 KiB/s: the other 3 MiB take 7.7 s at least.
   */
  private static final Duration FLOOR =
      Duration.ofMillis((long) ((BYTES - FETCH_MAX_BYTES) * 1000.0 / RATE * 0.85));

  private static void assertThrottled(Duration copy) {
    double rest = (BYTES - FETCH_MAX_BYTES) / (copy.toMillis() / 1000.0);
    assertThat(copy).as("throttled copy").isGreaterThan(FLOOR);
    assertThat(rest).as("bytes per second after the first fetch").isLessThan(RATE * 1.25);
  }

  @Test
  void aLeaderThrottleSlowsTheNewReplicasCopyToAboutTheRate() throws Exception {
    fill("fast");
    Duration unthrottled = copyToBroker2("fast");
    fill("slow");
    throttle("slow", 1, "leader", "0:1");
    assertThrottled(copyToBroker2("slow"));
    // Only bounded by the machine: well under the throttled floor.
    assertThat(unthrottled).as("unthrottled copy").isLessThan(FLOOR);
  }

  /**
   * replica.fetch.max.bytes 64 KiB: 64 fetches for the copy, each answer ending inside a batch. The
   * follower once failed on that trailing part (and waited replica.fetch.backoff.ms, 1 s, after
   * every fetch: 54 s, 75 KiB/s, for this copy); the bound allows 150 ms per fetch on a loaded
   * machine.
   */
  @Test
  void aFollowerFetchingSmallChunksCopiesWithoutAPerFetchWait() throws Exception {
    brokers.add(
        EngineExtension.startAndAwaitReady(
            TestBrokers.broker(
                zk.getConnectString(),
                dir.resolve("logs3"),
                Map.of("broker.id", "3", "replica.fetch.max.bytes", "" + SMALL_FETCH))));
    fill("small");
    Duration copy = copyTo("small", 3);
    log.info(
        "copied {} bytes in {} ms at {} KiB per fetch: {} KiB/s",
        BYTES,
        copy.toMillis(),
        SMALL_FETCH / 1024,
        BYTES / 1024 * 1000 / Math.max(1, copy.toMillis()));
    assertThat(copy).as("copy at 64 KiB per fetch").isLessThan(SMALL_FETCH_BOUND);
  }

  @Test
  void aFollowerThrottleSlowsItsOwnFetchesToAboutTheRate() throws Exception {
    fill("slow");
    throttle("slow", 2, "follower", "0:2");
    assertThrottled(copyToBroker2("slow"));
  }
}
