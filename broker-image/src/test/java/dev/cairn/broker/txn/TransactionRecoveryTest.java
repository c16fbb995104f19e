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
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker restarted while a transaction is open: the partition's producer state (the open
 * transaction) and the coordinator's transaction state are rebuilt from the logs, so read_committed
 * consumers still stop before the open transaction, and a new producer with the same transactional
 * id aborts it.
 */
class TransactionRecoveryTest {
  @TempDir Path dir;

  private BrokerEngine start(String zk) throws Exception {
    return EngineExtension.startAndAwaitReady(
        TestBrokers.broker(
            zk, dir.resolve("logs"), Map.of("transaction.state.log.num.partitions", "1")));
  }

  private static KafkaProducer<String, String> producer(BrokerEngine broker) {
    Properties p = TestBrokers.producer(broker);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "recovering");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  private static List<String> readCommitted(BrokerEngine broker, TopicPartition tp, int expected) {
    Properties p = TestBrokers.consumer(broker, null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 3_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.value()));
      }
      out.add("lso=" + c.endOffsets(List.of(tp)).get(tp));
    }
    return out;
  }

  private static long committedOffset(BrokerEngine broker) throws Exception {
    try (Admin admin = Admin.create(TestBrokers.admin(broker))) {
      return admin
          .listConsumerGroupOffsets("recovery-group")
          .partitionsToOffsetAndMetadata()
          .get()
          .get(new TopicPartition("recovery", 0))
          .offset();
    }
  }

  @Test
  void anOpenTransactionSurvivesARestartAndIsAbortedByTheNextProducer() throws Exception {
    TopicPartition tp = new TopicPartition("recovery", 0);
    try (TestingServer zk = new TestingServer(true)) {
      BrokerEngine broker = start(zk.getConnectString());
      KafkaProducer<String, String> zombie;
      try {
        try (Admin admin = Admin.create(TestBrokers.admin(broker))) {
          admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> p = producer(broker)) {
          p.beginTransaction();
          p.send(new ProducerRecord<>(tp.topic(), "committed"));
          p.sendOffsetsToTransaction(
              Map.of(tp, new OffsetAndMetadata(1)), new ConsumerGroupMetadata("recovery-group"));
          p.commitTransaction();
        }
        zombie = producer(broker);
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(tp.topic(), "open")).get();
        zombie.sendOffsetsToTransaction(
            Map.of(tp, new OffsetAndMetadata(9)), new ConsumerGroupMetadata("recovery-group"));
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
      zombie.close(Duration.ZERO);

      broker = start(zk.getConnectString());
      try {
        // committed (0), its marker (1), then the open transaction from offset 2.
        assertThat(readCommitted(broker, tp, 1)).containsExactly("committed", "lso=2");
        assertThat(committedOffset(broker)).as("the open transaction's offset is pending").isOne();
        try (KafkaProducer<String, String> p = producer(broker)) {
          p.beginTransaction();
          p.send(new ProducerRecord<>(tp.topic(), "after restart"));
          p.commitTransaction();
        }
        assertThat(readCommitted(broker, tp, 2))
            .containsExactly("committed", "after restart", "lso=6");
        assertThat(committedOffset(broker)).as("aborted with its transaction").isOne();
      } finally {
        broker.stop(Duration.ofSeconds(2));
      }
    }
  }
}
