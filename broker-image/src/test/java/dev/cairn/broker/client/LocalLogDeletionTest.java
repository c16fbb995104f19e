package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker deletes a partition's local log only when told its topic is gone, never by absence. */
class LocalLogDeletionTest {
  private static final TopicPartition TP = new TopicPartition("kept", 0);

  @TempDir Path dir;

  private BrokerEngine start(TestingServer zk) throws Exception {
    return EngineExtension.startAndAwaitReady(
        TestBrokers.broker(zk.getConnectString(), dir, Map.of()));
  }

  @Test
  void aBrokerPointedAtAnEmptyCoordinatorKeepsItsLogs() throws Exception {
    try (TestingServer cluster = new TestingServer(true);
        TestingServer empty = new TestingServer(true)) {
      BrokerEngine broker = start(cluster);
      try (Admin admin = Admin.create(TestBrokers.admin(broker));
          KafkaProducer<String, String> p = new KafkaProducer<>(TestBrokers.producer(broker))) {
        admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1))).all().get();
        p.send(new ProducerRecord<>(TP.topic(), 0, "k", "precious")).get();
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }

      broker = start(empty);
      try (Admin admin = Admin.create(TestBrokers.admin(broker))) {
        // Any image applied after start-up has been applied to the logs as well.
        admin.createTopics(List.of(new NewTopic("marker", 1, (short) 1))).all().get();
        assertThat(broker.logManager().get(TP)).isNotNull();
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
      assertThat(dir.resolve("kept-0")).isDirectory();

      broker = start(cluster);
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(TestBrokers.consumer(broker, null))) {
        c.assign(List.of(TP));
        c.seekToBeginning(List.of(TP));
        var records = c.poll(Duration.ofSeconds(5));
        assertThat(records.records(TP)).extracting(r -> r.value()).containsExactly("precious");
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void deleteTopicsRemovesTheLocalLogAndARecreatedTopicStartsAfresh() throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      BrokerEngine broker = start(zk);
      try (Admin admin = Admin.create(TestBrokers.admin(broker));
          KafkaProducer<String, String> p = new KafkaProducer<>(TestBrokers.producer(broker))) {
        admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1))).all().get();
        p.send(new ProducerRecord<>(TP.topic(), 0, "k", "old")).get();
        admin.deleteTopics(List.of(TP.topic())).all().get();
        assertThat(Files.exists(dir.resolve("kept-0"))).as("deleted with its topic").isFalse();
        admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 1))).all().get();
        assertThat(p.send(new ProducerRecord<>(TP.topic(), 0, "k", "new")).get().offset()).isZero();
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
      assertThat(dir.resolve("kept-0").resolve("partition.metadata")).isRegularFile();
    }
  }
}
