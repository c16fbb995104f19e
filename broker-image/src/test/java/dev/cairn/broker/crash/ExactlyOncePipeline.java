package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.ClientProps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * An exactly-once pipeline for crash tests: a kafka-clients consume-transform-produce loop
 * (read_committed input, output and input offsets in one transaction with {@code
 * sendOffsetsToTransaction}) runs while an idempotent producer feeds its input. After a failure the
 * loop does what an application does: drop its clients and start over with the same transactional
 * id, which fences the old producer and settles its transaction, and resume from the committed
 * offsets. One transaction in {@value #APPLICATION_CRASH_ONE_IN} is left open by a simulated
 * application crash.
 *
 * <p>{@link #finish} stops the feeder, lets the loop catch up and checks, reading with
 * read_committed: the output holds every input record exactly once, and the input holds every
 * record its producer sent at most once (idempotence across the crashes).
 */
final class ExactlyOncePipeline {
  private static final String INPUT = "ctp-in";
  private static final String OUTPUT = "ctp-out";
  private static final String GROUP = "ctp-group";
  private static final int PARTITIONS = 2;

  /** One transaction in this many is left open by a simulated application crash. */
  private static final int APPLICATION_CRASH_ONE_IN = 25;

  /** Input records per second: a few thousand over a run, enough for many transactions. */
  private static final int INPUT_RATE = 150;

  private final ClientProps clients;
  private final AtomicBoolean feeding = new AtomicBoolean(true);
  private final AtomicBoolean transforming = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicReference<Throwable> inputFailure = new AtomicReference<>();
  private final Transformer transformer;
  private final Thread feeder;
  private final Thread loop;

  /** Report of a finished run. */
  record Result(long records, int transactions, int restarts) {}

  ExactlyOncePipeline(ClientProps clients, long seed) {
    this.clients = clients;
    this.transformer = new Transformer(transforming, new Random(seed));
    this.feeder = new Thread(() -> feed(feeding, sent, inputFailure), "ctp-feeder");
    this.loop = new Thread(transformer, "ctp-transformer");
  }

  /** Creates the topics with {@code replicationFactor} (and min.insync.replicas 2 if above 1). */
  void createTopics(short replicationFactor) throws Exception {
    Map<String, String> configs =
        replicationFactor > 1 ? Map.of("min.insync.replicas", "2") : Map.of();
    try (Admin admin = Admin.create(clients.admin())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(INPUT, PARTITIONS, replicationFactor).configs(configs),
                  new NewTopic(OUTPUT, PARTITIONS, replicationFactor).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  void start() {
    feeder.start();
    loop.start();
  }

  int transactions() {
    return transformer.transactions.get();
  }

  /** Stops feeding, lets the loop catch up with the input, stops it, and checks both topics. */
  Result finish() throws Exception {
    feeding.set(false);
    feeder.join(60_000);
    int duringFaults = transformer.transactions.get();
    assertThat(inputFailure.get()).as("input producer failure").isNull();
    long inputCount = sent.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, Integer> output = Map.of();
    while (System.nanoTime() < deadline) {
      output = countCommitted(OUTPUT);
      if (output.values().stream().mapToInt(Integer::intValue).sum() >= inputCount) {
        break;
      }
      Thread.sleep(500);
    }
    if (output.values().stream().mapToInt(Integer::intValue).sum() < inputCount) {
      printWhyTheLoopIsBehind();
    }
    transforming.set(false);
    loop.join(30_000);
    output = countCommitted(OUTPUT);
    Map<String, Integer> input = countCommitted(INPUT);

    assertThat(moreThanOnce(input)).as("input records written more than once").isEmpty();
    assertThat(input.size()).as("distinct input records").isEqualTo(inputCount);
    assertThat(moreThanOnce(output)).as("input records more than once in the output").isEmpty();
    assertThat(minus(input.keySet(), output.keySet()))
        .as("input records not in the output")
        .isEmpty();
    assertThat(minus(output.keySet(), input.keySet())).as("output records of no input").isEmpty();
    return new Result(inputCount, duringFaults, transformer.restarts.get());
  }

  /**
   * What a stalled loop waits for: where its thread is, the group's committed offsets as a
   * read_committed consumer asks for them (UNSTABLE_OFFSET_COMMIT while a transaction holds one),
   * the transaction's state and each partition's last stable offset against its end.
   */
  private void printWhyTheLoopIsBehind() {
    StringBuilder why = new StringBuilder("ExactlyOncePipeline: the loop is behind after 30 s");
    why.append("\n  transformer thread (").append(loop.getState()).append("):");
    for (StackTraceElement frame : loop.getStackTrace()) {
      why.append("\n    at ").append(frame);
    }
    why.append("\n  transactions ")
        .append(transformer.transactions.get())
        .append(", restarts ")
        .append(transformer.restarts.get());
    try (Admin admin = Admin.create(clients.admin())) {
      why.append("\n  group offsets (require stable): ");
      try {
        why.append(
            admin
                .listConsumerGroupOffsets(
                    GROUP, new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata()
                .get(15, TimeUnit.SECONDS));
      } catch (Exception e) {
        why.append(e);
      }
      why.append("\n  transaction: ");
      try {
        why.append(admin.describeTransactions(List.of("ctp")).all().get(15, TimeUnit.SECONDS));
      } catch (Exception e) {
        why.append(e);
      }
      for (String topic : List.of(INPUT, OUTPUT)) {
        for (int i = 0; i < PARTITIONS; i++) {
          TopicPartition tp = new TopicPartition(topic, i);
          why.append("\n  ").append(tp).append(": ");
          try {
            why.append("last stable ")
                .append(offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED))
                .append(", end ")
                .append(offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED));
          } catch (Exception e) {
            why.append(e);
          }
        }
      }
    }
    System.out.println(why);
  }

  private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec, IsolationLevel level)
      throws Exception {
    return admin
        .listOffsets(Map.of(tp, spec), new ListOffsetsOptions(level))
        .partitionResult(tp)
        .get(15, TimeUnit.SECONDS)
        .offset();
  }

  private static List<String> moreThanOnce(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .filter(e -> e.getValue() > 1)
        .map(e -> e.getKey() + " x" + e.getValue())
        .sorted()
        .toList();
  }

  private static List<String> minus(Set<String> a, Set<String> b) {
    return a.stream().filter(k -> !b.contains(k)).sorted().toList();
  }

  /**
   * Sends {@code in-<n>} records until told to stop; every send's outcome is awaited at the end.
   */
  private void feed(AtomicBoolean feeding, AtomicLong sent, AtomicReference<Throwable> failure) {
    Map<String, String> settings =
        fastRecovery(
            Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                // Retried through every restart; no record is given up on.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000"));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(clients.producer(settings))) {
      long n = 0;
      long start = System.nanoTime();
      while (feeding.get()) {
        String id = "in-" + n++;
        producer.send(
            new ProducerRecord<>(INPUT, id, id),
            (md, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        long due = start + n * 1_000_000_000L / INPUT_RATE;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      producer.flush();
      sent.set(n);
    } catch (Exception e) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * The application: poll read_committed input, write one output record per input record and the
   * input positions in one transaction, commit. On any failure it drops both clients and starts
   * over, as the Kafka documentation's loop does for errors it cannot abort from.
   */
  private final class Transformer implements Runnable {
    final AtomicBoolean running;
    final AtomicInteger transactions = new AtomicInteger();
    final AtomicInteger restarts = new AtomicInteger();

    final Random crashes;

    Transformer(AtomicBoolean running, Random crashes) {
      this.running = running;
      this.crashes = crashes;
    }

    @Override
    public void run() {
      while (running.get()) {
        KafkaProducer<String, String> producer = null;
        KafkaConsumer<String, String> consumer = null;
        try {
          producer = producer();
          consumer = consumer();
          producer.initTransactions();
          List<TopicPartition> inputs = new ArrayList<>();
          for (int i = 0; i < PARTITIONS; i++) {
            inputs.add(new TopicPartition(INPUT, i));
          }
          consumer.assign(inputs);
          while (running.get()) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
              continue;
            }
            producer.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            for (ConsumerRecord<String, String> r : records) {
              producer.send(new ProducerRecord<>(OUTPUT, r.key(), "out-" + r.value()));
              next.put(
                  new TopicPartition(r.topic(), r.partition()),
                  new OffsetAndMetadata(r.offset() + 1));
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            if (crashes.nextInt(APPLICATION_CRASH_ONE_IN) == 0) {
              // The application itself dies with its transaction open: the next instance's
              // initTransactions must abort it, output and offsets alike.
              throw new IllegalStateException("simulated application crash");
            }
            producer.commitTransaction();
            transactions.incrementAndGet();
          }
        } catch (Exception e) {
          // A crash of ours, or the broker went away in a way the clients do not retry: start
          // over; initTransactions fences this producer and settles its last transaction.
          restarts.incrementAndGet();
        } finally {
          // Abruptly, as a dying process: nothing flushed, nothing aborted.
          if (producer != null) {
            producer.close(Duration.ZERO);
          }
          if (consumer != null) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
          }
        }
      }
    }

    private KafkaProducer<String, String> producer() {
      return new KafkaProducer<>(
          clients.producer(
              fastRecovery(
                  Map.of(
                      ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ctp",
                      ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000",
                      ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                      ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "6000",
                      ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000"))));
    }

    private KafkaConsumer<String, String> consumer() {
      return new KafkaConsumer<>(
          clients.consumer(
              GROUP,
              fastRecovery(
                  Map.of(
                      ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                      ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50",
                      ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                      ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"))));
    }
  }

  /**
   * Clients reconnect and retry within a fraction of a second, so the broker's short lives between
   * kills are spent working (the defaults back off for up to a second).
   */
  private static Map<String, String> fastRecovery(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("reconnect.backoff.ms", "20");
    all.put("reconnect.backoff.max.ms", "200");
    all.put("retry.backoff.ms", "20");
    all.put("retry.backoff.max.ms", "200");
    return all;
  }

  private Map<String, Integer> countCommitted(String topic) {
    return countCommitted(clients, topic, PARTITIONS);
  }

  /**
   * How often each key occurs in {@code topic} (partitions 0 to {@code partitions} - 1), read to
   * its last stable offsets with read_committed.
   */
  static Map<String, Integer> countCommitted(ClientProps clients, String topic, int partitions) {
    Properties p =
        clients.consumer(
            null,
            Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"));
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          counts.merge(r.key(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
