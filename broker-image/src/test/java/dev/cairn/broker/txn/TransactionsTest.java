package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.broker.SingleBroker;
import dev.cairn.broker.replication.BrokerLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Transactional kafka-clients producers against one broker, read back by real consumers. */
class TransactionsTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(
          Map.of(
              "transaction.state.log.num.partitions", "3",
              "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200"));

  private static TopicPartition createTopic(String name) throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
    }
    return new TopicPartition(name, 0);
  }

  private static KafkaProducer<String, String> transactional(String id, int timeoutMs) {
    Properties p = broker.producer();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  private static KafkaConsumer<String, String> consumer(boolean readCommitted) {
    Properties p = broker.consumer(null);
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    return new KafkaConsumer<>(p);
  }

  /** Values read from the start of {@code tp} until {@code expected} arrive or {@code waitMs}. */
  private static List<String> read(
      TopicPartition tp, boolean readCommitted, int expected, int waitMs) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(readCommitted)) {
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

  @Test
  void committedTransactionIsReadByReadCommittedConsumer() throws Exception {
    TopicPartition tp = createTopic("txn-commit");
    try (KafkaProducer<String, String> p = transactional("commit-1", 60_000)) {
      p.beginTransaction();
      for (int i = 0; i < 3; i++) {
        p.send(new ProducerRecord<>(tp.topic(), "v" + i));
      }
      p.commitTransaction();
    }
    assertThat(read(tp, true, 3, 10_000)).containsExactly("v0", "v1", "v2");
  }

  @Test
  void abortedTransactionIsSkippedByReadCommittedButSeenByReadUncommitted() throws Exception {
    TopicPartition tp = createTopic("txn-abort");
    try (KafkaProducer<String, String> p = transactional("abort-1", 60_000)) {
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "aborted-1"));
      p.send(new ProducerRecord<>(tp.topic(), "aborted-2")).get();
      p.abortTransaction();
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "committed"));
      p.commitTransaction();
    }
    assertThat(read(tp, true, 1, 10_000)).containsExactly("committed");
    assertThat(read(tp, false, 3, 10_000)).containsExactly("aborted-1", "aborted-2", "committed");
  }

  @Test
  void aSecondProducerWithTheSameIdFencesTheFirstAndAbortsItsTransaction() throws Exception {
    TopicPartition tp = createTopic("txn-fence");
    KafkaProducer<String, String> first = transactional("fence-1", 60_000);
    try {
      first.beginTransaction();
      first.send(new ProducerRecord<>(tp.topic(), "zombie")).get();
      try (KafkaProducer<String, String> second = transactional("fence-1", 60_000)) {
        assertThatThrownBy(first::commitTransaction).isInstanceOf(ProducerFencedException.class);
        second.beginTransaction();
        second.send(new ProducerRecord<>(tp.topic(), "successor"));
        second.commitTransaction();
      }
    } finally {
      first.close(Duration.ZERO);
    }
    assertThat(read(tp, true, 1, 10_000)).containsExactly("successor");
  }

  @Test
  void readCommittedConsumerStopsAtTheOpenTransaction() throws Exception {
    TopicPartition tp = createTopic("txn-lso");
    try (KafkaProducer<String, String> p = transactional("lso-1", 60_000);
        KafkaConsumer<String, String> c = consumer(true)) {
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "first")).get();
      p.send(new ProducerRecord<>(tp.topic(), "second")).get();
      assertThat(read(tp, false, 2, 10_000)).containsExactly("first", "second");
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long until = System.currentTimeMillis() + 1_000;
      while (System.currentTimeMillis() < until) {
        assertThat(c.poll(Duration.ofMillis(100))).isEmpty();
      }
      assertThat(c.endOffsets(List.of(tp))).containsEntry(tp, 0L);
      p.commitTransaction();
      List<String> seen = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 10_000;
      while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
      }
      assertThat(seen).containsExactly("first", "second");
      // Two records and the commit marker.
      assertThat(c.endOffsets(List.of(tp))).containsEntry(tp, 3L);
    }
  }

  @Test
  void anExpiredTransactionIsAbortedByTheCoordinator() throws Exception {
    TopicPartition tp = createTopic("txn-timeout");
    try (KafkaProducer<String, String> p = transactional("timeout-1", 1_000)) {
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "expired")).get();
      // The coordinator aborts it (marker written, LSO moves past it) without the producer.
      List<String> seen = new ArrayList<>();
      try (KafkaConsumer<String, String> c = consumer(true)) {
        c.assign(List.of(tp));
        long deadline = System.currentTimeMillis() + 10_000;
        while (c.endOffsets(List.of(tp)).get(tp) < 2 && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
        }
        assertThat(c.endOffsets(List.of(tp))).containsEntry(tp, 2L);
        c.seekToBeginning(List.of(tp));
        c.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.value()));
      }
      assertThat(seen).isEmpty();
      assertThatThrownBy(p::commitTransaction).isInstanceOf(KafkaException.class);
    }
    assertThat(read(tp, false, 1, 10_000)).containsExactly("expired");
  }

  @Test
  void offsetsSentToATransactionBecomeVisibleOnlyWhenItCommits() throws Exception {
    TopicPartition tp = createTopic("txn-offsets");
    try (KafkaProducer<String, String> p = transactional("offsets-1", 60_000);
        Admin admin = Admin.create(broker.admin())) {
      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "out"));
      p.sendOffsetsToTransaction(
          Map.of(tp, new OffsetAndMetadata(7)), new ConsumerGroupMetadata("txn-group"));
      p.abortTransaction();
      assertThat(admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata().get())
          .doesNotContainKey(tp);

      p.beginTransaction();
      p.send(new ProducerRecord<>(tp.topic(), "out"));
      p.sendOffsetsToTransaction(
          Map.of(tp, new OffsetAndMetadata(5)), new ConsumerGroupMetadata("txn-group"));
      assertThat(admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata().get())
          .doesNotContainKey(tp);
      Properties stable = broker.consumer("txn-group");
      stable.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(stable)) {
        // A read_committed consumer waits for the transaction to end (UNSTABLE_OFFSET_COMMIT).
        assertThatThrownBy(() -> c.committed(Set.of(tp), Duration.ofMillis(500)))
            .isInstanceOf(TimeoutException.class);
      }
      p.commitTransaction();
      assertThat(
              admin
                  .listConsumerGroupOffsets("txn-group")
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(tp)
                  .offset())
          .isEqualTo(5);
    }
  }

  /**
   * A transactional batch for a partition its transaction never added (what a late retry of an
   * ended transaction looks like) is refused with TRANSACTION_ABORTABLE (Produce v11; older clients
   * get INVALID_TXN_STATE) instead of opening a transaction that nothing ends: read_committed
   * consumers of that partition are not blocked.
   */
  @Test
  void aTransactionalBatchForAPartitionNotInTheTransactionIsRefused() throws Exception {
    TopicPartition tp = createTopic("txn-verify");
    TopicPartition other = createTopic("txn-verify-other");
    try (KafkaProducer<String, String> p = transactional("verify-1", 60_000);
        Admin admin = Admin.create(broker.admin());
        KafkaProducer<String, String> plain = new KafkaProducer<>(broker.producer())) {
      p.beginTransaction();
      p.send(new ProducerRecord<>(other.topic(), "in-txn")).get();
      TransactionDescription d =
          admin.describeTransactions(List.of("verify-1")).all().get().get("verify-1");

      ProduceRequestData produce =
          new ProduceRequestData()
              .setTransactionalId("verify-1")
              .setAcks((short) -1)
              .setTimeoutMs(10_000);
      produce
          .topicData()
          .add(
              new ProduceRequestData.TopicProduceData()
                  .setName(tp.topic())
                  .setPartitionData(
                      List.of(
                          new ProduceRequestData.PartitionProduceData()
                              .setIndex(0)
                              .setRecords(
                                  MemoryRecords.withTransactionalRecords(
                                      Compression.NONE,
                                      d.producerId(),
                                      (short) d.producerEpoch(),
                                      0,
                                      new SimpleRecord("stray".getBytes()))))));
      ProduceResponseData response;
      try (BrokerLink link =
          new BrokerLink(broker.engine().boundAddress(), null, "stray-producer", 10_000)) {
        response = ((ProduceResponse) link.send(ApiKeys.PRODUCE, (short) 11, produce)).data();
      }
      short error = response.responses().iterator().next().partitionResponses().get(0).errorCode();
      assertThat(Errors.forCode(error)).isEqualTo(Errors.TRANSACTION_ABORTABLE);
      try (BrokerLink link =
          new BrokerLink(broker.engine().boundAddress(), null, "old-stray-producer", 10_000)) {
        response = ((ProduceResponse) link.send(ApiKeys.PRODUCE, (short) 10, produce)).data();
      }
      error = response.responses().iterator().next().partitionResponses().get(0).errorCode();
      assertThat(Errors.forCode(error)).isEqualTo(Errors.INVALID_TXN_STATE);

      plain.send(new ProducerRecord<>(tp.topic(), "after")).get();
      assertThat(read(tp, true, 1, 10_000)).containsExactly("after");
      p.commitTransaction();
      assertThat(read(other, true, 1, 10_000)).containsExactly("in-txn");
    }
  }
}
