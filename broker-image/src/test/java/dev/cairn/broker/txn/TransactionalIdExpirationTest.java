package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.SingleBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code transactional.id.expiration.ms}: idle transactional ids are forgotten, open ones kept. */
class TransactionalIdExpirationTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(
          Map.of(
              "transaction.state.log.num.partitions", "1",
              "transactional.id.expiration.ms", "1500",
              "transaction.remove.expired.transaction.cleanup.interval.ms", "200"));

  private static KafkaProducer<String, String> transactional(String id) {
    Properties p = broker.producer();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  @Test
  void idleIdIsTombstonedAndForgottenWhileAnOpenTransactionIsKept() throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin.createTopics(List.of(new NewTopic("exp-topic", 1, (short) 1))).all().get();
      long firstPid;
      try (KafkaProducer<String, String> idle = transactional("exp-idle")) {
        idle.beginTransaction();
        idle.send(new ProducerRecord<>("exp-topic", "k", "v")).get();
        idle.commitTransaction();
        firstPid =
            admin
                .describeTransactions(List.of("exp-idle"))
                .all()
                .get()
                .get("exp-idle")
                .producerId();
      }
      // Opened at once: an id idle since InitProducerId would expire as well.
      KafkaProducer<String, String> open = transactional("exp-open");
      open.beginTransaction();
      open.send(new ProducerRecord<>("exp-topic", "k", "open")).get();

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() ->
              assertThatThrownBy(() -> admin.describeTransactions(List.of("exp-idle")).all().get())
                  .hasCauseInstanceOf(TransactionalIdNotFoundException.class));
      assertThat(admin.listTransactions().all().get())
          .extracting(TransactionListing::transactionalId)
          .doesNotContain("exp-idle")
          .contains("exp-open");
      assertThat(
              admin.describeTransactions(List.of("exp-open")).all().get().get("exp-open").state())
          .isEqualTo(TransactionState.ONGOING);
      assertThat(lastStateRecordOf("exp-idle")).as("tombstone").isNull();
      open.commitTransaction();
      open.close();

      // The id starts over: a new producer id, epoch 0.
      try (KafkaProducer<String, String> again = transactional("exp-idle")) {
        TransactionDescription d =
            admin.describeTransactions(List.of("exp-idle")).all().get().get("exp-idle");
        assertThat(d.producerId()).isNotEqualTo(firstPid);
        assertThat(d.producerEpoch()).isZero();
        assertThat(d.state()).isEqualTo(TransactionState.EMPTY);
      }
    }
  }

  /** The value of the last {@code __transaction_state} record of {@code id} (null: tombstone). */
  private static byte[] lastStateRecordOf(String id) {
    Properties p = broker.consumer(null);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    List<ConsumerRecord<byte[], byte[]>> mine = new ArrayList<>();
    TopicPartition tp = new TopicPartition("__transaction_state", 0);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 10_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          byte[] k = r.key();
          if (Arrays.equals(k, 4, k.length, idBytes, 0, idBytes.length)) {
            mine.add(r);
          }
        }
      }
    }
    assertThat(mine).as("records of " + id).isNotEmpty();
    return mine.get(mine.size() - 1).value();
  }
}
