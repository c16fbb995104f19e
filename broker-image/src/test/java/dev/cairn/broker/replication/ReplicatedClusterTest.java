package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.broker.BrokerProcesses;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three broker processes and a coordinator ({@link BrokerProcesses}), each on its own address,
 * shared by the scenarios below: each scenario has a topic of its own with three partitions,
 * replication factor 3 and min.insync.replicas 2, which takes an idempotent acks=all producer's
 * records while the scenario's faults happen (the leader of each partition in turn killed with
 * SIGKILL, a rolling restart, a reassignment, a leader cut off from its followers). Afterwards
 * every acknowledged record is consumed exactly once, at its acknowledged offset, in order within
 * its partition, and every ISR is whole again. Every scenario leaves all brokers running and the
 * network whole, so the next starts from a healthy cluster (a failed one is repaired first).
 *
 * <p>{@code auto.leader.rebalance.enable} checks every 2 s, so leaderships return to their
 * preferred replicas after each fault; ControlledShutdownTest covers the ElectLeaders API on its
 * own.
 */
class ReplicatedClusterTest {
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 100_000;
  private static final int ADMIN_PORT = BrokerProcesses.ADMIN_PORT;
  private static final Duration AWAIT = Duration.ofSeconds(90);
  private static final int PROGRESS = 1_000;

  @RegisterExtension static final FaultHarness faults = FaultHarness.perClass();
  private static BrokerProcesses cluster;
  private static Map<Integer, EngineProcess> brokers;

  /** Records acknowledged so far in this scenario (each test has its own instance). */
  private final AtomicLong acknowledged = new AtomicLong();

  /** This scenario's topic, named after it. */
  private String topic;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster =
        BrokerProcesses.start(
            faults,
            3,
            Map.of(
                "offsets.topic.replication.factor", "3",
                "default.replication.factor", "3",
                "min.insync.replicas", "2",
                "leader.imbalance.check.interval.seconds", "2"));
    brokers = cluster.brokers();
  }

  @BeforeEach
  void repairAndName(TestInfo test) {
    faults.heal();
    cluster.restartStopped();
    topic = test.getTestMethod().orElseThrow().getName();
  }

  /** This scenario's partitions, by partition number. */
  private List<TopicPartitionInfo> describe(Admin admin) throws Exception {
    return BrokerProcesses.describe(admin, topic);
  }

  /** Waits until every partition has a leader and all its replicas in sync. */
  private void awaitFullIsr(Admin admin) throws Exception {
    BrokerProcesses.awaitFullIsr(admin, AWAIT, topic);
  }

  /**
   * Waits until {@value #PROGRESS} more records are acknowledged, so each fault hits a cluster that
   * is taking writes (rather than sleeping a guessed while).
   */
  private void awaitProgress() throws InterruptedException {
    long target = acknowledged.get() + PROGRESS;
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (acknowledged.get() < target) {
      assertThat(System.nanoTime()).as("%d records acknowledged", target).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Something done to the cluster while the producer runs. */
  @FunctionalInterface
  private interface Fault {
    void inject(Admin admin) throws Exception;
  }

  @Test
  void everyAcknowledgedRecordSurvivesKillingEachLeaderInTurn() throws Exception {
    produceAndConsumeThrough(admin -> {
      for (int partition = 0; partition < PARTITIONS; partition++) {
        awaitProgress();
        EngineProcess victim = brokers.get(describe(admin).get(partition).leader().id());
        victim.kill();
        // Its registration outlives it by the session timeout: the restarted broker rejoins only
        // after the controller moved its leaderships.
        victim.restart();
        awaitFullIsr(admin);
      }
      // this test's partitions only: another test's topic on the shared cluster may still be
      // healing its ISR (PREFERRED_LEADER_NOT_AVAILABLE there is right)
      Set<TopicPartition> mine = new HashSet<>();
      for (TopicPartitionInfo p : describe(admin)) {
        mine.add(new TopicPartition(topic, p.partition()));
      }
      Map<TopicPartition, java.util.Optional<Throwable>> elected =
          admin.electLeaders(ElectionType.PREFERRED, mine).partitions().get(30, TimeUnit.SECONDS);
      elected.forEach((tp, error) ->
          assertThat(error.map(Throwable::getClass).orElse(null))
              .as("%s elected or already led by its preferred replica", tp)
              .isIn(null, ElectionNotNeededException.class));
      // Elected here or by the auto rebalance; each broker's view follows a moment later.
      await().atMost(AWAIT).untilAsserted(() -> assertPreferredLeaders(admin));
    });
  }

  private void assertPreferredLeaders(Admin admin) throws Exception {
    for (TopicPartitionInfo p : describe(admin)) {
      assertThat(p.leader().id())
          .as("partition %d led by its preferred replica", p.partition())
          .isEqualTo(p.replicas().get(0).id());
    }
  }

  /**
   * A rolling restart as an operator does it: each broker in turn stopped with SIGTERM (it hands
   * its leaderships to in-sync replicas first), started again, and the next one only once every ISR
   * is whole. The producer sees no error it could not retry.
   */
  @Test
  void aRollingRestartLosesNothing() throws Exception {
    produceAndConsumeThrough(admin -> {
      for (EngineProcess broker : brokers.values()) {
        awaitProgress();
        assertThat(broker.stop()).as("%s stops cleanly", broker.name()).isZero();
        broker.restart();
        awaitFullIsr(admin);
      }
      // auto.leader.rebalance.enable brings each leadership back to its preferred replica.
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (describe(admin).stream().anyMatch(p -> p.leader().id() != p.replicas().get(0).id())
          && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      assertPreferredLeaders(admin);
    });
  }

  /**
   * kafka-reassign-partitions' requests under load: partition 0 moves off its leader to the other
   * two replicas (the leader moves, the removed broker's log goes), then back to three replicas
   * with that broker added again, which catches up and rejoins the ISR.
   */
  @Test
  void aPartitionIsReassignedUnderLoad() throws Exception {
    produceAndConsumeThrough(admin -> {
      awaitProgress();
      TopicPartition tp0 = new TopicPartition(topic, 0);
      List<Integer> before = describe(admin).get(0).replicas().stream().map(n -> n.id()).toList();
      int leaving = describe(admin).get(0).leader().id();
      List<Integer> smaller = before.stream().filter(r -> r != leaving).toList().reversed();
      reassign(admin, tp0, smaller);
      awaitReplicas(admin, smaller);
      assertThat(describe(admin).get(0).leader().id()).isIn(smaller);
      Path removedLog = brokers.get(leaving).dataDirectory().resolve(topic + "-0");
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (Files.exists(removedLog) && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      assertThat(removedLog).as("the removed replica's log is deleted").doesNotExist();

      List<Integer> grown = new ArrayList<>(smaller);
      grown.add(leaving);
      reassign(admin, tp0, grown);
      awaitReplicas(admin, grown);
      assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS))
          .as("no reassignment left in progress")
          .isEmpty();
      awaitFullIsr(admin);
    });
  }

  private static void reassign(Admin admin, TopicPartition tp, List<Integer> target)
      throws Exception {
    admin
        .alterPartitionReassignments(
            Map.of(tp, java.util.Optional.of(new NewPartitionReassignment(target))))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private void awaitReplicas(Admin admin, List<Integer> target) throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    TopicPartitionInfo p = describe(admin).get(0);
    while (System.nanoTime() < deadline) {
      p = describe(admin).get(0);
      if (p.replicas().stream().map(n -> n.id()).toList().equals(target)
          && p.isr().size() == target.size()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("partition 0 not reassigned to " + target + ": " + p);
  }

  /**
   * The leader of partition 0 is cut off from the other two brokers (their replica fetchers leave
   * from their own addresses) for longer than {@code replica.lag.time.max.ms}: it shrinks its ISR
   * to itself and, with min.insync.replicas 2, acknowledges nothing alone (the producer retries
   * NOT_ENOUGH_REPLICAS); after healing the followers truncate, catch up and rejoin.
   */
  @Test
  void aLeaderCutOffFromItsFollowersAcknowledgesNothingAloneAndTheIsrHeals() throws Exception {
    produceAndConsumeThrough(admin -> {
      awaitProgress();
      int leader = describe(admin).get(0).leader().id();
      List<java.net.InetAddress> others =
          brokers.entrySet().stream()
              .filter(e -> e.getKey() != leader)
              .map(e -> e.getValue().address())
              .toList();
      // The leader's counters before the cut: earlier scenarios moved them too.
      String before = scrapeMetrics(brokers.get(leader).address());
      faults.partition(List.of(brokers.get(leader).address()), others);
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (describe(admin).get(0).isr().size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      assertThat(describe(admin).get(0).isr()).as("the ISR shrank to the leader").hasSize(1);
      // A while alone: the producer's batches for partition 0 are refused and retried.
      Thread.sleep(1_000);
      faults.heal();
      awaitFullIsr(admin);
      // What the dashboard's "ISR shrinks and expands" panel reads, from the leader.
      String after = scrapeMetrics(brokers.get(leader).address());
      for (String name : List.of("cairn_broker_isr_shrinks_total", "isr_expands_total")) {
        String counter = name.startsWith("cairn_") ? name : "cairn_broker_" + name;
        assertThat(counter(after, counter)).as(counter).isGreaterThan(counter(before, counter));
      }
    });
  }

  private static String scrapeMetrics(java.net.InetAddress broker) throws Exception {
    URI uri = URI.create("http://" + broker.getHostAddress() + ":" + ADMIN_PORT + "/metrics");
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  private static double counter(String exposition, String name) {
    return exposition
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private void produceAndConsumeThrough(Fault fault) throws Exception {
    try (Admin admin = Admin.create(cluster.clientProps())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, PARTITIONS, (short) 3)
                      .configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitFullIsr(admin);

      Map<Integer, List<Long>> acked = new ConcurrentHashMap<>(); // partition -> acked sequence
      Map<Integer, Map<Long, Long>> ackedOffsets = new ConcurrentHashMap<>();
      AtomicReference<Exception> sendError = new AtomicReference<>();
      AtomicBoolean faulting = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      Properties pp =
          cluster
              .clients()
              .producer(
                  Map.of(
                      ProducerConfig.ACKS_CONFIG, "all",
                      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                      ProducerConfig.LINGER_MS_CONFIG, "5",
                      ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                      ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                      ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000"));
      Thread sender =
          new Thread(
              () -> {
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
                  // Paced while the faults last, so the load outlasts them; then the rest of
                  // RECORDS at full speed.
                  for (int i = 0; i < RECORDS || faulting.get(); i++) {
                    int partition = i % PARTITIONS;
                    long seq = i / PARTITIONS;
                    producer.send(
                        new ProducerRecord<>(topic, partition, "k" + i, partition + ":" + seq),
                        (md, e) -> {
                          if (e == null) {
                            acked.computeIfAbsent(partition, p -> new ArrayList<>()).add(seq);
                            acknowledged.incrementAndGet();
                            ackedOffsets
                                .computeIfAbsent(partition, p -> new ConcurrentHashMap<>())
                                .put(seq, md.offset());
                          } else {
                            sendError.compareAndSet(null, e);
                          }
                        });
                    sent.incrementAndGet();
                    if (i % 33 == 0 && faulting.get()) {
                      Thread.sleep(10);
                    }
                  }
                  producer.flush();
                } catch (Exception e) {
                  sendError.compareAndSet(null, e);
                }
              },
              "sender");
      sender.start();
      try {
        fault.inject(admin);
      } finally {
        faulting.set(false);
      }
      sender.join(TimeUnit.MINUTES.toMillis(4));
      assertThat(sender.isAlive()).as("the producer finished").isFalse();
      assertThat(sendError.get()).as("no send failed").isNull();
      assertThat(sent.get()).isGreaterThanOrEqualTo(RECORDS);
      assertThat(acked.values().stream().mapToInt(List::size).sum()).isEqualTo(sent.get());
      awaitFullIsr(admin);

      Map<Integer, List<ConsumerRecord<String, String>>> consumed = consumeAll();
      for (int p = 0; p < PARTITIONS; p++) {
        List<ConsumerRecord<String, String>> records = consumed.getOrDefault(p, List.of());
        List<Long> seqs =
            records.stream().map(r -> Long.parseLong(r.value().split(":")[1])).toList();
        assertThat(seqs)
            .as("partition %d holds each record once, in the order sent", p)
            .isSorted()
            .doesNotHaveDuplicates()
            .containsAll(acked.get(p));
        Map<Long, Long> offsets = new HashMap<>();
        records.forEach(r -> offsets.put(Long.parseLong(r.value().split(":")[1]), r.offset()));
        for (Map.Entry<Long, Long> e : ackedOffsets.get(p).entrySet()) {
          assertThat(offsets.get(e.getKey()))
              .as("partition %d record %d at its acknowledged offset", p, e.getKey())
              .isEqualTo(e.getValue());
        }
      }
    }
  }

  private Map<Integer, List<ConsumerRecord<String, String>>> consumeAll() {
    Properties cp =
        cluster.clients().consumer(null, Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
    Map<Integer, List<ConsumerRecord<String, String>>> consumed = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + AWAIT.toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          consumed.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
        }
      }
    }
    return consumed;
  }
}
