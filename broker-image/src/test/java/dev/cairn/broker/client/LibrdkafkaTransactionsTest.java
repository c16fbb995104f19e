package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.broker.SingleBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * librdkafka's transactional producer with explicit aborts and commits, through its Python binding
 * (Debian's python3-confluent-kafka; kcat only commits at the end of its input, and on Ctrl-C it
 * exits without ending the transaction): {@code librdkafka/transactions.py} aborts a transaction of
 * three records, then commits one of three. read_committed reads only the committed ones, after the
 * aborted records and their marker; read_uncommitted reads all six.
 */
class LibrdkafkaTransactionsTest {
  private static final String PYTHON = "/usr/bin/python3";

  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(Map.of("transaction.state.log.num.partitions", "1"));

  @Test
  void librdkafkaAbortsAndCommits() throws Exception {
    assumeTrue(
        new ProcessBuilder(PYTHON, "-c", "import confluent_kafka").start().waitFor() == 0,
        "needs python3-confluent-kafka (librdkafka's Python binding)");
    String topic = "rdkafka-txn";
    Path script = Path.of(getClass().getResource("/librdkafka/transactions.py").toURI());
    Process p =
        new ProcessBuilder(PYTHON, script.toString(), broker.bootstrap(), topic)
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script finishes").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("script output: %s", out).isZero();

    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    try (Admin admin = Admin.create(ap)) {
      assertThat(
              admin
                  .describeTransactions(List.of("rdkafka-txn"))
                  .description("rdkafka-txn")
                  .get()
                  .state())
          .isEqualTo(TransactionState.COMPLETE_COMMIT);
    }
    assertThat(read(topic, "read_committed", 3))
        .containsExactly("4:committed-0", "5:committed-1", "6:committed-2");
    assertThat(read(topic, "read_uncommitted", 6))
        .containsExactly(
            "0:aborted-0",
            "1:aborted-1",
            "2:aborted-2",
            "4:committed-0",
            "5:committed-1",
            "6:committed-2");
  }

  /** Partition 0 from the beginning at an isolation level: "offset:value", up to {@code n}. */
  private static List<String> read(String topic, String isolation, int n) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<String> seen = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while ((seen.size() < n || consumer.position(tp) < end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          seen.add(r.offset() + ":" + r.value());
        }
      }
    }
    return seen;
  }
}
