package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerProcesses;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once through crashes: a kafka-clients consume-transform-produce loop (read_committed
 * input, output and input offsets in one transaction with {@code sendOffsetsToTransaction}) runs
 * while an idempotent producer feeds its input and the broker process is killed with SIGKILL at
 * random moments, {@value #KILLS} times. After each failure the loop does what an application does:
 * drop its clients and start over with the same transactional id, which fences the old producer and
 * settles its transaction, and resume from the committed offsets. Afterwards the output read with
 * read_committed holds every input record exactly once, and the input holds every record its
 * producer sent at most once (idempotence across the crashes).
 *
 * <p>A coordinator process and one broker process ({@link BrokerProcesses}); the broker's session
 * timeout is short so a restarted broker re-registers soon after its predecessor's session ends.
 * The seed of the kill schedule is printed.
 */
class ConsumeTransformProduceKillNineTest {
  private static final int KILLS = 20;
  private static final String INPUT = "ctp-in";
  private static final String OUTPUT = "ctp-out";
  private static final String GROUP = "ctp-group";
  private static final int PARTITIONS = 2;

  /** One transaction in this many is left open by a simulated application crash. */
  private static final int APPLICATION_CRASH_ONE_IN = 25;

  /** Input records per second: a few thousand over the whole run, enough for many transactions. */
  private static final int INPUT_RATE = 150;

  @RegisterExtension final FaultHarness faults = new FaultHarness();
  private EngineProcess broker;
  private String bootstrap;

  private void startCluster() throws Exception {
    BrokerProcesses cluster =
        BrokerProcesses.start(
            faults,
            1,
            Map.of(
                "zookeeper.session.timeout.ms", "1500",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                // Small segments: the logs roll (and snapshot their producer state) during the run.
                "log.segment.bytes", "65536"));
    broker = cluster.broker(1);
    bootstrap = cluster.bootstrap();
  }

  @Test
  void eachInputRecordIsInTheOutputExactlyOnceThroughKillNines() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ConsumeTransformProduceKillNineTest seed " + seed);
    Random random = new Random(seed);
    startCluster();
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(INPUT, PARTITIONS, (short) 1),
                  new NewTopic(OUTPUT, PARTITIONS, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    AtomicBoolean feeding = new AtomicBoolean(true);
    AtomicBoolean transforming = new AtomicBoolean(true);
    AtomicLong sent = new AtomicLong();
    AtomicReference<Throwable> inputFailure = new AtomicReference<>();
    Thread feeder = new Thread(() -> feed(feeding, sent, inputFailure), "ctp-feeder");
    Transformer transformer = new Transformer(transforming, new Random(seed + 1));
    Thread loop = new Thread(transformer, "ctp-transformer");
    feeder.start();
    loop.start();
    try {
      for (int kill = 1; kill <= KILLS; kill++) {
        // A random moment after the broker is up: before, inside or after the loop's
        // transactions, while the feeder's batches are in flight.
        Thread.sleep(150 + random.nextInt(700));
        broker.kill();
        broker.restart();
      }
    } finally {
      feeding.set(false);
      feeder.join(60_000);
    }
    int duringKills = transformer.transactions.get();
    assertThat(inputFailure.get()).as("input producer failure").isNull();
    long inputCount = sent.get();
    assertThat(duringKills).as("transactions committed between the kills").isGreaterThan(KILLS);
    assertThat(transformer.restarts.get()).as("application restarts").isPositive();

    // Let the loop catch up with the input, then read both topics.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, Integer> output = Map.of();
    while (System.nanoTime() < deadline) {
      output = countCommitted(OUTPUT);
      if (output.values().stream().mapToInt(Integer::intValue).sum() >= inputCount) {
        break;
      }
      Thread.sleep(500);
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
    System.out.println(
        "ConsumeTransformProduceKillNineTest: "
            + inputCount
            + " records, "
            + transformer.transactions.get()
            + " transactions ("
            + duringKills
            + " while killing), "
            + transformer.restarts.get()
            + " loop restarts, "
            + KILLS
            + " kills");
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
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    // Retried through every restart; no record is given up on.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    fastRecovery(p);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
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
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ctp");
      p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "6000");
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
      fastRecovery(p);
      return new KafkaProducer<>(p);
    }

    private KafkaConsumer<String, String> consumer() {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
      p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
      p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
      fastRecovery(p);
      return new KafkaConsumer<>(p);
    }
  }

  /**
   * Clients reconnect and retry within a fraction of a second, so the broker's short lives between
   * kills are spent working (the defaults back off for up to a second).
   */
  private static void fastRecovery(Properties p) {
    p.put("reconnect.backoff.ms", "20");
    p.put("reconnect.backoff.max.ms", "200");
    p.put("retry.backoff.ms", "20");
    p.put("retry.backoff.max.ms", "200");
  }

  /** How often each key occurs in {@code topic}, read to its end with read_committed. */
  private Map<String, Integer> countCommitted(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
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
