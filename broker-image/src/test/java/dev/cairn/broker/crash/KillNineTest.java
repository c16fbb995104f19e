package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerProcesses;
import dev.cairn.broker.ClientProps;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durability under SIGKILL: a broker process ({@link BrokerProcesses}) with {@code
 * log.flush.interval.messages=1} is killed while a producer (acks=1) is sending; after a restart
 * every acknowledged record is readable at the offset it was acknowledged with, and the consumer
 * (which checks CRCs) never sees corruption.
 */
class KillNineTest {
  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void everyAcknowledgedRecordIsReadableAfterKillNine() throws Exception {
    BrokerProcesses cluster =
        BrokerProcesses.start(
            faults, 1, Map.of("log.flush.interval.messages", "1", "log.segment.bytes", "65536"));
    EngineProcess broker = cluster.broker(1);
    ClientProps clients = cluster.clients();
    Map<Long, String> acked = new ConcurrentHashMap<>();
    try (Admin admin = Admin.create(clients.admin())) {
      admin.createTopics(List.of(new NewTopic("durable", 1, (short) 1))).all().get();
    }
    Properties pp =
        clients.producer(
            Map.of(
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"));
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
    assertThat(acked).hasSizeGreaterThan(1000);

    broker.restart();
    Properties cp = clients.consumer(null, Map.of(ConsumerConfig.CHECK_CRCS_CONFIG, "true"));
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
