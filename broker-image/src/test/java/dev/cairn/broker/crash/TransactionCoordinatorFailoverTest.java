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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transaction coordinator fails over with its {@code __transaction_state} partition: three
 * broker processes, the state log and the output topic with replication factor 3 and
 * min.insync.replicas 2. {@value #PRODUCERS} kafka-clients transactional producers commit
 * transactions of {@value #RECORDS_PER_TXN} records spread over every partition, back to back,
 * while the broker leading {@code __transaction_state} (the coordinator of every id: one partition)
 * is killed with SIGKILL, {@value #KILLS} times, each after the cluster healed.
 *
 * <p>Afterwards, read with read_committed: each transaction is there whole or not at all; every
 * transaction whose commit returned is there; the last stable offset of every partition reached its
 * high watermark (no transaction left open); and every producer kept committing after the kills
 * with the same client (it found the new coordinator by itself, no re-initialization).
 */
class TransactionCoordinatorFailoverTest {
  private static final String TOPIC = "txn-failover";
  private static final int PARTITIONS = 3;
  private static final int PRODUCERS = 4;
  private static final int RECORDS_PER_TXN = 6;
  private static final int KILLS = 2;
  private static final Duration AWAIT = Duration.ofSeconds(60);

  @RegisterExtension final FaultHarness faults = new FaultHarness();
  private BrokerProcesses cluster;

  @Test
  void everyTransactionIsWholeOrAbsentThroughCoordinatorKills() throws Exception {
    cluster = BrokerProcesses.start(faults, 3, BrokerProcesses.replicated(Map.of()));
    try (Admin admin = Admin.create(cluster.clientProps())) {
      admin
          .createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      BrokerProcesses.awaitFullIsr(admin, AWAIT, TOPIC);

      AtomicBoolean running = new AtomicBoolean(true);
      List<TxnProducer> producers = new ArrayList<>();
      for (int i = 0; i < PRODUCERS; i++) {
        producers.add(new TxnProducer("failover-" + i, running));
      }
      producers.forEach(p -> p.thread.start());
      try {
        awaitCommits(producers, 10);
        BrokerProcesses.awaitFullIsr(admin, AWAIT, Topic.TRANSACTION_STATE_TOPIC_NAME);
        for (int kill = 1; kill <= KILLS; kill++) {
          int coordinator = leader(admin, Topic.TRANSACTION_STATE_TOPIC_NAME);
          EngineProcess victim = cluster.broker(coordinator);
          int before = committed(producers);
          victim.kill();
          System.out.println(
              "TransactionCoordinatorFailoverTest: killed coordinator broker "
                  + coordinator
                  + " after "
                  + before
                  + " commits");
          // The producers carry on against the new coordinator while the victim is down.
          awaitCommits(producers, before + 3 * PRODUCERS);
          victim.restart();
          BrokerProcesses.awaitFullIsr(admin, AWAIT, TOPIC, Topic.TRANSACTION_STATE_TOPIC_NAME);
        }
        int afterKills = committed(producers);
        awaitCommits(producers, afterKills + PRODUCERS);
      } finally {
        running.set(false);
        for (TxnProducer p : producers) {
          p.thread.join(AWAIT.toMillis());
        }
      }

      for (TxnProducer p : producers) {
        assertThat(p.failure.get()).as("%s failed", p.id).isNull();
      }
      Map<String, Integer> visible = readCommitted();
      List<String> partial =
          visible.entrySet().stream()
              .filter(e -> e.getValue() != RECORDS_PER_TXN)
              .map(e -> e.getKey() + " x" + e.getValue())
              .toList();
      assertThat(partial).as("transactions visible in part").isEmpty();
      List<String> lost = new ArrayList<>();
      int attempted = 0;
      for (TxnProducer p : producers) {
        attempted += p.attempted.get();
        p.acknowledged.stream().filter(t -> !visible.containsKey(t)).forEach(lost::add);
      }
      assertThat(lost).as("acknowledged commits not visible").isEmpty();
      System.out.println(
          "TransactionCoordinatorFailoverTest: "
              + committed(producers)
              + " commits acknowledged, "
              + attempted
              + " transactions begun, "
              + visible.size()
              + " visible whole, "
              + KILLS
              + " coordinator kills");
    }
  }

  private static int leader(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (System.nanoTime() < deadline) {
      TopicPartitionInfo p = BrokerProcesses.describe(admin, topic).get(0);
      if (p.leader() != null) {
        return p.leader().id();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(topic + " has no leader");
  }

  private static int committed(List<TxnProducer> producers) {
    return producers.stream().mapToInt(p -> p.acknowledged.size()).sum();
  }

  /** Waits until the producers together acknowledged {@code target} commits, and each one more. */
  private static void awaitCommits(List<TxnProducer> producers, int target) throws Exception {
    Map<String, Integer> start = new HashMap<>();
    producers.forEach(p -> start.put(p.id, p.acknowledged.size()));
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (committed(producers) < target
        || producers.stream().anyMatch(p -> p.acknowledged.size() <= start.get(p.id))) {
      for (TxnProducer p : producers) {
        assertThat(p.failure.get()).as("%s failed", p.id).isNull();
      }
      assertThat(System.nanoTime()).as("%d commits within %s", target, AWAIT).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /**
   * One transactional producer, one client for the whole run: transactions {@code <id>-<n>} of
   * {@value #RECORDS_PER_TXN} records round-robin over the partitions, committed back to back. A
   * failed commit is a failure of the test: the client must ride out the coordinator's death.
   */
  private final class TxnProducer implements Runnable {
    final String id;
    final AtomicBoolean running;
    final Thread thread;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger attempted = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    TxnProducer(String id, AtomicBoolean running) {
      this.id = id;
      this.running = running;
      this.thread = new Thread(this, id);
    }

    @Override
    public void run() {
      Properties p =
          cluster
              .clients()
              .producer(
                  Map.of(
                      ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                      id,
                      ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                      "30000",
                      ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                      "45000",
                      ProducerConfig.MAX_BLOCK_MS_CONFIG,
                      "45000",
                      "reconnect.backoff.max.ms",
                      "200",
                      "retry.backoff.max.ms",
                      "200"));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        producer.initTransactions();
        for (int n = 0; running.get(); n++) {
          String txn = id + "-" + n;
          attempted.incrementAndGet();
          producer.beginTransaction();
          for (int r = 0; r < RECORDS_PER_TXN; r++) {
            producer.send(new ProducerRecord<>(TOPIC, r % PARTITIONS, txn, txn + "/" + r));
          }
          producer.commitTransaction();
          acknowledged.add(txn);
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }
  }

  /**
   * Records per transaction visible to read_committed, read to the end once the last stable offset
   * of every partition reached its high watermark (no transaction open).
   */
  private Map<String, Integer> readCommitted() throws Exception {
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      tps.add(new TopicPartition(TOPIC, i));
    }
    try (Admin admin = Admin.create(cluster.clientProps())) {
      long deadline = System.nanoTime() + AWAIT.toNanos();
      Map<TopicPartition, Long> stable = endOffsets(admin, tps, IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, Long> hw = endOffsets(admin, tps, IsolationLevel.READ_UNCOMMITTED);
      while (!stable.equals(hw) && System.nanoTime() < deadline) {
        Thread.sleep(200);
        stable = endOffsets(admin, tps, IsolationLevel.READ_COMMITTED);
        hw = endOffsets(admin, tps, IsolationLevel.READ_UNCOMMITTED);
      }
      assertThat(stable).as("last stable offsets reached the high watermarks").isEqualTo(hw);
    }
    return ExactlyOncePipeline.countCommitted(cluster.clients(), TOPIC, PARTITIONS);
  }

  private static Map<TopicPartition, Long> endOffsets(
      Admin admin, List<TopicPartition> tps, IsolationLevel level) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> result = new HashMap<>();
    admin
        .listOffsets(latest, new ListOffsetsOptions(level))
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }
}
