package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.SingleBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kafka-clients producers (acks 0/1/all, idempotent) and assign-mode consumers end to end. */
class ProduceConsumeTest {
  @RegisterExtension static final SingleBroker broker = new SingleBroker();

  private static void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
  }

  private static List<ConsumerRecord<String, String>> readAll(TopicPartition tp, int expected) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(broker.consumer(null))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 15_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void idempotentProducerWritesConsecutiveOffsetsThatAConsumerReadsBack() throws Exception {
    createTopic("orders", 1);
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      for (int i = 0; i < 100; i++) {
        RecordMetadata md = p.send(new ProducerRecord<>("orders", 0, "k" + i, "v" + i)).get();
        assertThat(md.offset()).isEqualTo(i);
      }
    }
    List<ConsumerRecord<String, String>> records = readAll(new TopicPartition("orders", 0), 100);
    assertThat(records).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(records.get(i).offset()).isEqualTo(i);
      assertThat(records.get(i).key()).isEqualTo("k" + i);
      assertThat(records.get(i).value()).isEqualTo("v" + i);
    }
  }

  @Test
  void acksZeroAndOneAndAllAllDeliver() throws Exception {
    createTopic("acks", 1);
    for (String acks : List.of("0", "1", "all")) {
      Properties props = broker.producer();
      props.put(ProducerConfig.ACKS_CONFIG, acks);
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"));
      props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
        for (int i = 0; i < 10; i++) {
          p.send(new ProducerRecord<>("acks", "acks-" + acks + "-" + i)).get();
        }
      }
    }
    List<ConsumerRecord<String, String>> records = readAll(new TopicPartition("acks", 0), 30);
    assertThat(records).extracting(ConsumerRecord::value).hasSize(30);
    assertThat(records.get(29).value()).isEqualTo("acks-all-9");
  }

  @Test
  void producingToAnUnknownTopicAutoCreatesIt() throws ExecutionException, InterruptedException {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      RecordMetadata md = p.send(new ProducerRecord<>("auto-created", "x")).get();
      assertThat(md.offset()).isZero();
    }
    assertThat(readAll(new TopicPartition("auto-created", 0), 1)).hasSize(1);
  }

  @Test
  void aRecordAboveMessageMaxBytesIsRefusedWithRecordTooLarge() throws Exception {
    createTopic("big", 1);
    Properties props = broker.producer();
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "3000000");
    props.put(ProducerConfig.RETRIES_CONFIG, "0");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> p.send(new ProducerRecord<>("big", "x".repeat(1_100_000))).get())
          .hasCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
      assertThat(p.send(new ProducerRecord<>("big", "small")).get().offset()).isZero();
    }
  }
}
