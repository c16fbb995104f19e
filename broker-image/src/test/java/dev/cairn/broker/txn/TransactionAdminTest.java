package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.SingleBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin side of transactions as {@code kafka-transactions.sh} uses it (list, describe,
 * describe-producers, abort of a hanging transaction), through kafka-clients Admin.
 */
class TransactionAdminTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(Map.of("transaction.state.log.num.partitions", "3"));

  private static KafkaProducer<String, String> transactional(String id) {
    Properties p = broker.producer();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  private static Map<String, TransactionListing> list(Admin admin, ListTransactionsOptions o)
      throws Exception {
    Collection<TransactionListing> all = admin.listTransactions(o).all().get();
    return all.stream()
        .filter(l -> l.transactionalId().startsWith("adm-"))
        .collect(Collectors.toMap(TransactionListing::transactionalId, l -> l));
  }

  @Test
  void listDescribeAndDescribeProducersShowOpenAndCompletedTransactions() throws Exception {
    TopicPartition p0 = new TopicPartition("adm-topic", 0);
    TopicPartition p1 = new TopicPartition("adm-topic", 1);
    try (Admin admin = Admin.create(broker.admin());
        KafkaProducer<String, String> open = transactional("adm-open");
        KafkaProducer<String, String> done = transactional("adm-done")) {
      admin.createTopics(List.of(new NewTopic("adm-topic", 2, (short) 1))).all().get();
      open.beginTransaction();
      open.send(new ProducerRecord<>("adm-topic", 0, "k", "open-0")).get();
      open.send(new ProducerRecord<>("adm-topic", 1, "k", "open-1")).get();
      Thread.sleep(2_000);
      done.beginTransaction();
      done.send(new ProducerRecord<>("adm-topic", 0, "k", "done-0")).get();
      done.commitTransaction();

      Map<String, TransactionListing> all = list(admin, new ListTransactionsOptions());
      assertThat(all).containsOnlyKeys("adm-open", "adm-done");
      assertThat(all.get("adm-open").state()).isEqualTo(TransactionState.ONGOING);
      assertThat(all.get("adm-done").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
      long openPid = all.get("adm-open").producerId();
      long donePid = all.get("adm-done").producerId();
      assertThat(openPid).isNotEqualTo(donePid);

      assertThat(
              list(
                  admin,
                  new ListTransactionsOptions().filterStates(Set.of(TransactionState.ONGOING))))
          .containsOnlyKeys("adm-open");
      assertThat(list(admin, new ListTransactionsOptions().filterProducerIds(Set.of(donePid))))
          .containsOnlyKeys("adm-done");
      // Open for 2 s or more versus started a moment ago.
      assertThat(list(admin, new ListTransactionsOptions().filterOnDuration(1_500)))
          .containsOnlyKeys("adm-open");
      assertThat(
              list(admin, new ListTransactionsOptions().filterOnTransactionalIdPattern("adm-d.*")))
          .containsOnlyKeys("adm-done");

      Map<String, TransactionDescription> described =
          admin.describeTransactions(List.of("adm-open", "adm-done")).all().get();
      TransactionDescription d = described.get("adm-open");
      assertThat(d.state()).isEqualTo(TransactionState.ONGOING);
      assertThat(d.producerId()).isEqualTo(openPid);
      assertThat(d.transactionTimeoutMs()).isEqualTo(120_000);
      assertThat(d.topicPartitions()).containsExactlyInAnyOrder(p0, p1);
      assertThat(d.transactionStartTimeMs()).isPresent();
      assertThat(d.coordinatorId()).isEqualTo(0);
      assertThat(described.get("adm-done").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
      assertThat(described.get("adm-done").topicPartitions()).isEmpty();
      assertThatThrownBy(() -> admin.describeTransactions(List.of("adm-none")).all().get())
          .hasCauseInstanceOf(TransactionalIdNotFoundException.class);

      Map<Long, ProducerState> producers =
          admin.describeProducers(List.of(p0)).partitionResult(p0).get().activeProducers().stream()
              .collect(Collectors.toMap(ProducerState::producerId, s -> s));
      assertThat(producers).containsOnlyKeys(openPid, donePid);
      ProducerState openState = producers.get(openPid);
      assertThat(openState.currentTransactionStartOffset()).hasValue(0);
      assertThat(openState.lastSequence()).isEqualTo(0);
      assertThat(openState.producerEpoch()).isEqualTo(d.producerEpoch());
      ProducerState doneState = producers.get(donePid);
      assertThat(doneState.currentTransactionStartOffset()).isEmpty();
      assertThat(doneState.coordinatorEpoch()).isPresent();
      assertThat(doneState.lastTimestamp()).isPositive();
    }
  }

  /**
   * What {@code kafka-transactions.sh abort} is for: a transaction left open in a partition blocks
   * read_committed consumers; the admin abort writes an abort marker there and they move on.
   */
  @Test
  void adminAbortOfAnOpenTransactionUnblocksReadCommittedConsumers() throws Exception {
    TopicPartition tp = new TopicPartition("adm-hanging", 0);
    try (Admin admin = Admin.create(broker.admin());
        KafkaProducer<String, String> hanging = transactional("adm-hanging");
        KafkaProducer<String, String> plain = new KafkaProducer<>(broker.producer())) {
      admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
      hanging.beginTransaction();
      hanging.send(new ProducerRecord<>(tp.topic(), "k", "hanging")).get();
      plain.send(new ProducerRecord<>(tp.topic(), "k", "after")).get();
      assertThat(readCommitted(tp, 1, 1_000)).isEmpty();

      ProducerState state =
          admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
              .filter(s -> s.currentTransactionStartOffset().isPresent())
              .findFirst()
              .orElseThrow();
      admin
          .abortTransaction(
              new AbortTransactionSpec(
                  tp,
                  state.producerId(),
                  (short) state.producerEpoch(),
                  state.coordinatorEpoch().orElse(0)))
          .all()
          .get();
      assertThat(readCommitted(tp, 1, 10_000)).containsExactly("after");
    }
  }

  private static List<String> readCommitted(TopicPartition tp, int expected, int waitMs) {
    Properties p = broker.consumer(null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + waitMs;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
