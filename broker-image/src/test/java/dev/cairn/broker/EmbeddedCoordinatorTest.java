package dev.cairn.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without zookeeper.connect the broker runs its own cairn coordinator: a one-process cluster. */
class EmbeddedCoordinatorTest {
  @TempDir Path dir;

  private BrokerEngine start() throws Exception {
    Map<String, String> cfg = new java.util.LinkedHashMap<>(TestBrokers.baseConfig("x", dir));
    cfg.remove("zookeeper.connect");
    return EngineExtension.startAndAwaitReady(new BrokerEngine(BrokerConfig.of(cfg)));
  }

  @Test
  void brokerWithoutZookeeperConnectKeepsTopicsAndDataAcrossRestarts() throws Exception {
    BrokerEngine broker = start();
    try (Admin admin = Admin.create(TestBrokers.admin(broker));
        KafkaProducer<String, String> p = new KafkaProducer<>(TestBrokers.producer(broker))) {
      admin.createTopics(List.of(new NewTopic("solo", 2, (short) 1))).all().get();
      assertThat(p.send(new ProducerRecord<>("solo", 1, "k", "v")).get().offset()).isZero();
    } finally {
      broker.stop(Duration.ofSeconds(2));
    }
    assertThat(Files.isDirectory(dir.resolve(BrokerEngine.EMBEDDED_COORDINATOR_DIR))).isTrue();

    broker = start();
    try (Admin admin = Admin.create(TestBrokers.admin(broker));
        KafkaProducer<String, String> p = new KafkaProducer<>(TestBrokers.producer(broker))) {
      assertThat(
              admin.describeTopics(List.of("solo")).allTopicNames().get().get("solo").partitions())
          .hasSize(2);
      assertThat(p.send(new ProducerRecord<>("solo", 1, "k", "v2")).get().offset()).isEqualTo(1);
    } finally {
      broker.stop(Duration.ofSeconds(2));
    }
  }
}
