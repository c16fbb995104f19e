package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.broker.differential.RawKafkaClient;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit whose markers cannot be written: two brokers, the transaction coordinator on one, the
 * transaction's partition (one replica) on the other, which stops after the records are written.
 * The commit is decided (PrepareCommit is durable, so EndTxn succeeds) but cannot complete: the
 * coordinator answers as Kafka 4 does meanwhile — CONCURRENT_TRANSACTIONS to InitProducerId,
 * AddPartitionsToTxn and a retried commit, INVALID_TXN_STATE to an abort. When the partition's
 * broker comes back the coordinator's marker retries complete the commit.
 */
class TransactionCompletionTest {
  private static final String TXN_ID = "stalled-txn";
  private final TestingServer zk;
  private final List<BrokerEngine> brokers = new ArrayList<>();
  @TempDir Path dir;

  TransactionCompletionTest() throws Exception {
    zk = new TestingServer(true);
  }

  private BrokerEngine start(int id) throws Exception {
    return EngineExtension.startAndAwaitReady(
        TestBrokers.broker(
            zk.getConnectString(),
            dir.resolve("logs" + id),
            Map.of(
                "broker.id", "" + id,
                "transaction.state.log.num.partitions", "1",
                "transaction.state.log.replication.factor", "1")));
  }

  @AfterEach
  void stop() throws Exception {
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(2));
    }
    zk.close();
  }

  private String bootstrap() {
    return brokers.stream().map(TestBrokers::bootstrap).collect(Collectors.joining(","));
  }

  @Test
  void aDecidedCommitWaitsForItsMarkersAndAnswersConcurrentTransactionsMeanwhile()
      throws Exception {
    brokers.add(start(1));
    brokers.add(start(2));
    Properties p = TestBrokers.producer(brokers.get(0));
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TXN_ID);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (Admin admin = Admin.create(TestBrokers.admin(brokers.get(0)));
        KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      int coordinator =
          admin
              .describeTopics(List.of(Topic.TRANSACTION_STATE_TOPIC_NAME))
              .allTopicNames()
              .get()
              .get(Topic.TRANSACTION_STATE_TOPIC_NAME)
              .partitions()
              .get(0)
              .leader()
              .id();
      int other = 3 - coordinator;
      admin.createTopics(List.of(new NewTopic("stalled", Map.of(0, List.of(other))))).all().get();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("stalled", 0, "k", "decided")).get();
      BrokerEngine partitionLeader = brokers.get(other - 1);
      partitionLeader.stop(Duration.ofSeconds(2));
      brokers.remove(partitionLeader);
      producer.commitTransaction();

      TransactionDescription d = describe(admin);
      assertThat(d.state()).isEqualTo(TransactionState.PREPARE_COMMIT);
      long pid = d.producerId();
      short epoch = (short) d.producerEpoch();
      try (RawKafkaClient raw = RawKafkaClient.to(TestBrokers.bootstrap(brokers.get(0)))) {
        assertThat(initProducerId(raw)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(endTxn(raw, pid, epoch, true)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(endTxn(raw, pid, epoch, false)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(addPartition(raw, pid, epoch)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
      }

      brokers.add(start(other));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> describe(admin).state() == TransactionState.COMPLETE_COMMIT);
    }
    Properties c = TestBrokers.consumer(brokers.get(0), null);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      TopicPartition tp = new TopicPartition("stalled", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (seen.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          seen.add(r.value());
        }
      }
    }
    assertThat(seen).containsExactly("decided");
  }

  private static TransactionDescription describe(Admin admin) throws Exception {
    return admin.describeTransactions(List.of(TXN_ID)).description(TXN_ID).get();
  }

  private static Errors initProducerId(RawKafkaClient raw) throws Exception {
    InitProducerIdResponse r =
        raw.send(
            new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData()
                        .setTransactionalId(TXN_ID)
                        .setTransactionTimeoutMs(60_000)
                        .setProducerId(-1)
                        .setProducerEpoch((short) -1))
                .build((short) 4));
    return Errors.forCode(r.data().errorCode());
  }

  private static Errors endTxn(RawKafkaClient raw, long pid, short epoch, boolean commit)
      throws Exception {
    EndTxnResponse r =
        raw.send(
            new EndTxnRequest.Builder(
                    new EndTxnRequestData()
                        .setTransactionalId(TXN_ID)
                        .setProducerId(pid)
                        .setProducerEpoch(epoch)
                        .setCommitted(commit),
                    false)
                .build((short) 4));
    return Errors.forCode(r.data().errorCode());
  }

  private static Errors addPartition(RawKafkaClient raw, long pid, short epoch) throws Exception {
    TopicPartition tp = new TopicPartition("stalled", 0);
    AddPartitionsToTxnResponse r =
        raw.send(
            AddPartitionsToTxnRequest.Builder.forClient(TXN_ID, pid, epoch, List.of(tp))
                .build((short) 3));
    return r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp);
  }
}
