package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under SIGKILL: a broker process with {@code log.flush.interval.messages=1} is killed
 * while a producer (acks=1) is sending; after a restart every acknowledged record is readable at
 * the offset it was acknowledged with, and the consumer (which checks CRCs) never sees corruption.
 */
class KillNineTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedRecordIsReadableAfterKillNine() throws Exception {
    int port = FreePorts.next();
    int adminPort = FreePorts.next();
    try (TestingServer zk = new TestingServer(true)) {
      Map<String, String> cfg = new LinkedHashMap<>();
      cfg.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
      cfg.put("cairn.admin.host", "127.0.0.1");
      cfg.put("cairn.admin.port", "" + adminPort);
      cfg.put("log.dirs", dir.resolve("a") + "," + dir.resolve("b"));
      cfg.put("zookeeper.connect", zk.getConnectString());
      cfg.put("zookeeper.session.timeout.ms", "6000");
      cfg.put("zookeeper.connection.timeout.ms", "6000");
      cfg.put("log.flush.interval.messages", "1");
      cfg.put("log.segment.bytes", "65536");
      Path log = dir.resolve("broker.log");
      String bootstrap = "127.0.0.1:" + port;
      Map<Long, String> acked = new ConcurrentHashMap<>();

      try (BrokerProcess broker = BrokerProcess.start(dir, cfg, adminPort, log)) {
        broker.awaitReady(Duration.ofSeconds(60));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
          admin.createTopics(List.of(new NewTopic("durable", 1, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(pp)) {
          for (int i = 0; i < 20_000 && acked.size() < 3000; i++) {
            String value = "record-" + i + "-" + "x".repeat(200);
            p.send(
                new ProducerRecord<>("durable", 0, "k" + i, value),
                (md, e) -> {
                  if (e == null) {
                    acked.put(md.offset(), value);
                  }
                });
            if (i % 100 == 0) {
              Thread.sleep(5);
            }
          }
          broker.kill();
          p.close(Duration.ofSeconds(6));
        }
      }
      assertThat(acked).hasSizeGreaterThan(1000);

      try (BrokerProcess broker = BrokerProcess.start(dir, cfg, adminPort, log)) {
        broker.awaitReady(Duration.ofSeconds(60));
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
        Map<Long, String> read = new LinkedHashMap<>();
        long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cp)) {
          TopicPartition tp = new TopicPartition("durable", 0);
          c.assign(List.of(tp));
          c.seekToBeginning(List.of(tp));
          long deadline = System.currentTimeMillis() + 30_000;
          while (!read.containsKey(maxAcked) && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
              read.put(r.offset(), r.value());
            }
          }
        }
        acked.forEach((offset, value) -> assertThat(read.get(offset)).isEqualTo(value));
      }
    }
  }
}
