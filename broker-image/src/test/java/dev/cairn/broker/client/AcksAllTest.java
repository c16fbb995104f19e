package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.metadata.ZkPaths;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * acks=all against a partition whose ISR names a follower that never fetched (broker 7, registered
 * but silent): the record must not be acknowledged, nor visible, until the ISR holds it — here when
 * the controller's state drops the silent follower from the ISR.
 */
class AcksAllTest {
  @TempDir Path dir;

  @Test
  void acksAllWaitsUntilTheIsrHoldsTheRecordsAndThenTheyAreVisible() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework follower =
            CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      BrokerEngine broker =
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(zk.getConnectString(), dir, Map.of()));
      follower.start();
      follower
          .create()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(ZkPaths.broker(7), new BrokerInfo(7, "127.0.0.1", 1, null).encode());
      Properties producerProps = TestBrokers.producer(broker);
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
      producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
      try (Admin admin = Admin.create(TestBrokers.admin(broker));
          KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
        while (admin.describeCluster().nodes().get().size() < 2) {
          Thread.sleep(20);
        }
        admin.createTopics(List.of(new NewTopic("mirrored", Map.of(0, List.of(0, 7))))).all().get();

        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("mirrored", "k", "v"));
        Thread.sleep(1000);
        assertThat(sent).as("acknowledged before broker 7 has the record").isNotDone();
        assertThat(read(broker, Duration.ofMillis(500))).as("above the high watermark").isEmpty();

        // What the controller writes when broker 7 falls out of the ISR (same leader epoch).
        follower
            .setData()
            .forPath(
                ZkPaths.partitionState("mirrored", 0),
                new PartitionState(0, 0, List.of(0), 1).encode());
        assertThat(sent.get(10, TimeUnit.SECONDS).offset()).isZero();
        assertThat(read(broker, Duration.ofSeconds(5))).containsExactly("v");
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }

  private static List<String> read(BrokerEngine broker, Duration wait) {
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(TestBrokers.consumer(broker, null))) {
      TopicPartition tp = new TopicPartition("mirrored", 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        var records = c.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          return records.records(tp).stream().map(r -> r.value()).toList();
        }
      }
      return List.of();
    }
  }
}
