package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.TestBrokers;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers in one process: the transaction coordinator writes markers to partitions other
 * brokers lead with WriteTxnMarkers, and read_committed consumers of those partitions see exactly
 * the committed transaction.
 */
class ClusterTransactionsTest {
  static TestingServer zk;
  static final List<BrokerEngine> brokers = new ArrayList<>();
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    zk = new TestingServer(true);
    for (int id = 1; id <= 3; id++) {
      brokers.add(
          EngineExtension.startAndAwaitReady(
              TestBrokers.broker(
                  zk.getConnectString(),
                  dir.resolve("logs" + id),
                  Map.of(
                      "broker.id", "" + id,
                      "transaction.state.log.num.partitions", "1",
                      "offsets.topic.num.partitions", "1"))));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(2));
    }
    zk.close();
  }

  private static String bootstrap() {
    return brokers.stream().map(TestBrokers::bootstrap).collect(Collectors.joining(","));
  }

  @Test
  void markersReachPartitionsLedByOtherBrokers() throws Exception {
    String topic = "spread";
    Set<Integer> leaders;
    Properties adminProps = TestBrokers.admin(brokers.get(0));
    try (Admin admin = Admin.create(adminProps)) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      leaders = d.partitions().stream().map(p -> p.leader().id()).collect(Collectors.toSet());
    }
    assertThat(leaders).as("one partition on each broker").hasSize(3);

    Properties p = TestBrokers.producer(brokers.get(0));
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "spread-1");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int partition = 0; partition < 3; partition++) {
        producer.send(new ProducerRecord<>(topic, partition, null, "aborted-" + partition));
      }
      producer.flush(); // written, so the abort has markers to write on every broker
      producer.abortTransaction();
      producer.beginTransaction();
      for (int partition = 0; partition < 3; partition++) {
        producer.send(new ProducerRecord<>(topic, partition, null, "committed-" + partition));
      }
      producer.commitTransaction();
    }
    try (Admin admin = Admin.create(adminProps)) {
      TopicPartitionInfo coordinatorPartition =
          admin
              .describeTopics(List.of(Topic.TRANSACTION_STATE_TOPIC_NAME))
              .allTopicNames()
              .get()
              .get(Topic.TRANSACTION_STATE_TOPIC_NAME)
              .partitions()
              .get(0);
      assertThat(coordinatorPartition.replicas()).as("replicated to every broker").hasSize(3);
    }

    Properties c = TestBrokers.consumer(brokers.get(0), null);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<TopicPartition> partitions =
        List.of(
            new TopicPartition(topic, 0),
            new TopicPartition(topic, 1),
            new TopicPartition(topic, 2));
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 15_000;
      while (seen.size() < 3 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          seen.add(r.value());
        }
      }
      // Two data records and two markers per partition: the LSO is past both transactions.
      assertThat(consumer.endOffsets(partitions).values()).containsOnly(4L);
    }
    assertThat(seen).containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
  }
}
