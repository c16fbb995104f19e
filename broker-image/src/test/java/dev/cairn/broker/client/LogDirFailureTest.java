package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NetworkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An fsync that fails takes its log dir offline; with none left the broker stops. */
class LogDirFailureTest {
  @TempDir Path dir;

  @Test
  void aFailedFsyncTakesItsLogDirOfflineAndTheLastOneStopsTheBroker() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Set<Path> failingDirs = ConcurrentHashMap.newKeySet();
    FileSync disk = TestBrokers.failingUnder(failingDirs);
    List<String> fatal = new CopyOnWriteArrayList<>();
    try (TestingServer zk = new TestingServer(true)) {
      Map<String, String> cfg = TestBrokers.baseConfig(zk.getConnectString(), a);
      cfg.put("log.dirs", a + "," + b);
      BrokerEngine broker =
          EngineExtension.startAndAwaitReady(
              new BrokerEngine(BrokerConfig.of(cfg), disk, fatal::add));
      Properties props = TestBrokers.producer(broker);
      props.put(ProducerConfig.RETRIES_CONFIG, "0");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      try (Admin admin = Admin.create(TestBrokers.admin(broker));
          KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
        // flush.messages=1: every append fsyncs. One partition lands in each dir.
        admin
            .createTopics(
                List.of(new NewTopic("disk", 2, (short) 1).configs(Map.of("flush.messages", "1"))))
            .all()
            .get();
        int onA =
            broker.logManager().get(new TopicPartition("disk", 0)).dir().startsWith(a) ? 0 : 1;
        int onB = 1 - onA;
        p.send(new ProducerRecord<>("disk", onA, "k", "before")).get();

        failingDirs.add(a);
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("disk", onA, "k", "lost")).get())
            .hasCauseInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("disk", onA, "k", "again")).get())
            .as("the partition stays offline")
            .hasCauseInstanceOf(KafkaStorageException.class);
        assertThat(p.send(new ProducerRecord<>("disk", onB, "k", "fine")).get().offset()).isZero();
        assertThat(fatal).isEmpty();
        assertThat(broker.ready()).isTrue();

        failingDirs.add(b);
        // the broker stops at once, as Kafka halts: the answer or the disconnect may come first
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("disk", onB, "k", "lost")).get())
            .cause()
            .isInstanceOfAny(KafkaStorageException.class, NetworkException.class);
        assertThat(fatal).hasSize(1).allMatch(r -> r.contains("every log dir"));
        assertThat(broker.ready()).isFalse();
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }
}
