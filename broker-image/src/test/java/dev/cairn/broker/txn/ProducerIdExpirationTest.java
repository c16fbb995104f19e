package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.SingleBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code producer.id.expiration.ms}: a partition forgets an idle producer (DescribeProducers no
 * longer lists it) but never one with an open transaction, and a forgotten idempotent producer that
 * sends again carries on without an error and without a duplicate, as against Kafka 4. The setting
 * is dynamic, as in Kafka.
 */
class ProducerIdExpirationTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(
          Map.of(
              "transaction.state.log.num.partitions", "1",
              "producer.id.expiration.ms", "1500",
              "producer.id.expiration.check.interval.ms", "200"));

  private static List<ProducerState> producers(Admin admin, TopicPartition tp) throws Exception {
    return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
  }

  private static List<String> readCommitted(TopicPartition tp, int expected) {
    Properties p = broker.consumer(null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 5_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.value()));
      }
      // Anything past the expected records would be a duplicate: give it a moment to show.
      c.poll(Duration.ofMillis(300)).forEach(r -> out.add(r.value()));
    }
    return out;
  }

  private static void setClusterExpiration(Admin admin, String value, AlterConfigOp.OpType op)
      throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.BROKER, ""),
                List.of(
                    new AlterConfigOp(new ConfigEntry("producer.id.expiration.ms", value), op))))
        .all()
        .get();
  }

  @Test
  void anExpiredIdempotentProducerKeepsSendingWithoutErrorOrDuplicate() throws Exception {
    TopicPartition tp = new TopicPartition("idle", 0);
    try (Admin admin = Admin.create(broker.admin());
        KafkaProducer<String, String> producer = new KafkaProducer<>(broker.producer())) {
      admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>(tp.topic(), "v" + i)).get();
      }
      List<ProducerState> before = producers(admin, tp);
      assertThat(before).singleElement().extracting(ProducerState::lastSequence).isEqualTo(4);

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> producers(admin, tp).isEmpty());

      for (int i = 5; i < 10; i++) {
        producer.send(new ProducerRecord<>(tp.topic(), "v" + i)).get();
      }
      assertThat(producers(admin, tp))
          .singleElement()
          .satisfies(s -> {
            assertThat(s.producerId()).isEqualTo(before.get(0).producerId());
            assertThat(s.lastSequence()).as("sequences carried on").isEqualTo(9);
          });
    }
    assertThat(readCommitted(tp, 10))
        .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
  }

  @Test
  void anOpenTransactionOutlivesTheExpirationAndTheDynamicSettingApplies() throws Exception {
    TopicPartition tp = new TopicPartition("open-txn", 0);
    Properties p = broker.producer();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "expiry-open");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    try (Admin admin = Admin.create(broker.admin());
        KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(tp.topic(), "in txn")).get();
      await()
          .during(Duration.ofMillis(2_500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> producers(admin, tp).size() == 1);

      // A day, cluster-wide, before the transaction ends: the then idle producer stays.
      setClusterExpiration(admin, "86400000", AlterConfigOp.OpType.SET);
      producer.commitTransaction();
      assertThat(readCommitted(tp, 1)).containsExactly("in txn");
      await()
          .during(Duration.ofMillis(2_500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> producers(admin, tp).size() == 1);

      // Back to server.properties' 1.5 s.
      setClusterExpiration(admin, "", AlterConfigOp.OpType.DELETE);
      await().atMost(Duration.ofSeconds(10)).until(() -> producers(admin, tp).isEmpty());
    }
  }
}
