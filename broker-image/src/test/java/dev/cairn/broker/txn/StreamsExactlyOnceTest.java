package dev.cairn.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.SingleBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams word count with {@code processing.guarantee=exactly_once_v2} (transactional
 * producer per thread, offsets committed in the transaction, read_committed repartition and
 * changelog reads, state restored from the changelog). A read_committed consumer of the output must
 * see every word's count go 1, 2, ..., n exactly once — across a processing thread that dies
 * mid-transaction and a new application instance that takes over from a closed one.
 */
class StreamsExactlyOnceTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(
          Map.of(
              "transaction.state.log.num.partitions", "3",
              // The thread that dies does not leave the group: keep its expiry short.
              "group.min.session.timeout.ms", "1000",
              "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200"));

  @TempDir static Path dir;

  private static final String INPUT = "wc-input";
  private static final String OUTPUT = "wc-output";
  private static final AtomicInteger processed = new AtomicInteger();
  private static final AtomicBoolean failed = new AtomicBoolean();

  private static String line(int i) {
    return "w" + (i % 7) + " w" + (i % 5) + " x" + (i % 3);
  }

  private static void produceLines(int from, int to) throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.producer())) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>(INPUT, i % 2, null, line(i)));
      }
      p.flush();
    }
  }

  private static Map<String, Long> expected(int lines) {
    Map<String, Long> counts = new TreeMap<>();
    for (int i = 0; i < lines; i++) {
      for (String w : line(i).split(" ")) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static KafkaStreams wordCount(Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream(INPUT)
        .peek((k, v) -> {
          // One injected failure in the middle of a transaction: the thread dies, is replaced.
          if (processed.incrementAndGet() == 80 && failed.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure");
          }
        })
        .flatMapValues(v -> Arrays.asList(v.split(" ")))
        .groupBy((k, w) -> w)
        .count(Materialized.as(Stores.inMemoryKeyValueStore("counts")))
        .toStream()
        .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "wc-app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 2_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 500);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5_000);
    KafkaStreams streams = new KafkaStreams(builder.build(), p);
    streams.setUncaughtExceptionHandler(
        e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
    streams.start();
    return streams;
  }

  /** Every count read_committed from the output, per word, once the last ones are {@code want}. */
  private static Map<String, List<Long>> awaitCounts(Map<String, Long> want, int waitMs) {
    Properties p = broker.consumer(null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
    Map<String, List<Long>> seen = new TreeMap<>();
    Map<String, Long> last = new TreeMap<>();
    try (KafkaConsumer<String, Long> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          List.of(new TopicPartition(OUTPUT, 0), new TopicPartition(OUTPUT, 1));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.currentTimeMillis() + waitMs;
      while (!last.equals(want) && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(100))) {
          seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
          last.put(r.key(), r.value());
        }
      }
    }
    return seen;
  }

  private static void assertExactlyOnce(Map<String, List<Long>> seen, Map<String, Long> want) {
    assertThat(seen).containsOnlyKeys(want.keySet());
    want.forEach((w, n) ->
        assertThat(seen.get(w))
            .as("counts of " + w)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList()));
  }

  @Test
  void wordCountIsExactAcrossAThreadFailureAndANewInstance() throws Exception {
    try (Admin admin = Admin.create(broker.admin())) {
      admin
          .createTopics(
              List.of(new NewTopic(INPUT, 2, (short) 1), new NewTopic(OUTPUT, 2, (short) 1)))
          .all()
          .get();
    }
    produceLines(0, 50);
    KafkaStreams first = wordCount(dir.resolve("state-1"));
    try {
      assertExactlyOnce(awaitCounts(expected(50), 20_000), expected(50));
      // Committed transactions so far; the failure comes in the middle of the next lines.
      produceLines(50, 100);
      assertExactlyOnce(awaitCounts(expected(100), 20_000), expected(100));
      assertThat(failed).as("the injected failure happened").isTrue();
    } finally {
      first.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(10)));
    }

    // A new instance (empty state directory) restores the counts from the changelog.
    produceLines(100, 200);
    KafkaStreams second = wordCount(dir.resolve("state-2"));
    try {
      assertExactlyOnce(awaitCounts(expected(200), 20_000), expected(200));
    } finally {
      second.close(Duration.ofSeconds(10));
    }
  }
}
