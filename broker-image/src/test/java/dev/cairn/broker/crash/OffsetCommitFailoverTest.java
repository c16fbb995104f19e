package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerProcesses;
import dev.cairn.common.faults.FaultHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An acknowledged offset commit survives the death of its group coordinator: three broker
 * processes, {@code __consumer_offsets} with replication factor 3 and min.insync.replicas 2 (one
 * partition, so one broker coordinates the group). A kafka-clients consumer (standalone: assigned
 * partitions, commitSync) commits ever larger offsets in a loop, and the broker leading the offsets
 * partition is killed with SIGKILL twice:
 *
 * <ol>
 *   <li>right after an acknowledged commit, every replica in sync;
 *   <li>after its live follower stalled (SIGSTOP, as in a long GC pause, shorter than {@code
 *       replica.lag.time.max.ms}: it stays in the ISR) and the consumer tried to commit meanwhile;
 *       the follower resumes once the leader is dead and becomes the coordinator.
 * </ol>
 *
 * <p>After each kill, the group's committed offsets as the next coordinator answers them to a new
 * consumer of the group are at least the last acknowledged commit of every partition: a commit
 * answered before the ISR held it would be lost in the second case, and the group would go back in
 * time.
 */
class OffsetCommitFailoverTest {
  private static final String TOPIC = "offsets-failover";
  private static final String GROUP = "offsets-failover-group";
  private static final int PARTITIONS = 3;
  private static final int STALLED_COMMITS = 3;
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  /** Per partition, the largest offset whose commit was acknowledged. */
  private final Map<TopicPartition, Long> acknowledged = new HashMap<>();

  private long next;

  @Test
  void acknowledgedCommitsSurviveKillingTheCoordinator() throws Exception {
    BrokerProcesses cluster =
        BrokerProcesses.start(faults, 3, BrokerProcesses.replicated(Map.of()));
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      tps.add(new TopicPartition(TOPIC, p));
    }
    try (Admin admin = Admin.create(cluster.clients().admin());
        KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(
                cluster
                    .clients()
                    .consumer(
                        GROUP,
                        Map.of(
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000",
                            ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "50",
                            ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "200",
                            ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200")))) {
      admin
          .createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      consumer.assign(tps);
      // The first commit creates __consumer_offsets (FindCoordinator); the client retries.
      commit(consumer, tps, 20);
      BrokerProcesses.awaitFullIsr(admin, AWAIT, TOPIC, Topic.GROUP_METADATA_TOPIC_NAME);

      // 1. Killed right after an acknowledged commit.
      commit(consumer, tps, 50);
      TopicPartitionInfo offsets = offsetsPartition(admin, -1);
      int victim = offsets.leader().id();
      cluster.kill(victim);
      System.out.println(
          "OffsetCommitFailoverTest: killed coordinator broker "
              + victim
              + " after commit of offset "
              + (next - 1));
      assertAcknowledgedSurvive(cluster, admin, victim, tps);

      // 2. Killed after commits tried while its follower stalled.
      commit(consumer, tps, 20);
      offsets = offsetsPartition(admin, victim);
      int leader = offsets.leader().id();
      List<Integer> followers =
          offsets.isr().stream()
              .map(n -> n.id())
              .filter(id -> id != leader && cluster.broker(id).running())
              .toList();
      assertThat(followers).as("a live follower in the ISR of %s", offsets).isNotEmpty();
      followers.forEach(id -> cluster.broker(id).pause());
      // Well under the 2 s session timeout too: the paused broker stays registered.
      int answered = 0;
      try {
        for (int i = 0; i < STALLED_COMMITS; i++) {
          long offset = next++;
          try {
            consumer.commitSync(offsetsAt(tps, offset), Duration.ofMillis(200));
          } catch (TimeoutException notAnswered) {
            continue;
          }
          tps.forEach(tp -> acknowledged.merge(tp, offset, Math::max));
          answered++;
        }
        cluster.kill(leader);
      } finally {
        followers.forEach(id -> cluster.broker(id).resume());
      }
      System.out.println(
          "OffsetCommitFailoverTest: killed coordinator broker "
              + leader
              + " after "
              + answered
              + " of "
              + STALLED_COMMITS
              + " commits were answered while followers "
              + followers
              + " stalled");
      assertAcknowledgedSurvive(cluster, admin, leader, tps);
    }
  }

  /** Commits {@code count} times in a row, each time every partition at the next offset. */
  private void commit(KafkaConsumer<String, String> consumer, List<TopicPartition> tps, int count) {
    for (int i = 0; i < count; i++) {
      long offset = next++;
      consumer.commitSync(offsetsAt(tps, offset));
      tps.forEach(tp -> acknowledged.merge(tp, offset, Math::max));
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsetsAt(
      List<TopicPartition> tps, long offset) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    tps.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(offset)));
    return offsets;
  }

  /** The offsets partition, once it has a leader other than broker {@code dead}. */
  private static TopicPartitionInfo offsetsPartition(Admin admin, int dead) throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    TopicPartitionInfo p = null;
    while (System.nanoTime() < deadline) {
      try {
        p = BrokerProcesses.describe(admin, Topic.GROUP_METADATA_TOPIC_NAME).get(0);
        if (p.leader() != null && p.leader().id() != dead) {
          return p;
        }
      } catch (Exception e) {
        // the broker asked was the one killed; ask again
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader but " + dead + ": " + p);
  }

  /**
   * Once a broker other than {@code killed} leads the offsets partition, a new consumer of the
   * group reads at least the acknowledged offset of every partition. (Asked only then: an Admin
   * told the dead broker coordinates keeps waiting for that node.)
   */
  private void assertAcknowledgedSurvive(
      BrokerProcesses cluster, Admin admin, int killed, List<TopicPartition> tps) throws Exception {
    offsetsPartition(admin, killed);
    Map<TopicPartition, OffsetAndMetadata> committed;
    try (KafkaConsumer<String, String> fresh =
        new KafkaConsumer<>(
            cluster
                .clients()
                .consumer(GROUP, Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")))) {
      committed = fresh.committed(Set.copyOf(tps), AWAIT);
    }
    Map<TopicPartition, Long> seen = new HashMap<>();
    committed.forEach((tp, o) -> seen.put(tp, o == null ? -1 : o.offset()));
    acknowledged.forEach((tp, offset) ->
        assertThat(seen.getOrDefault(tp, -1L))
            .as("%s committed after the kill (acknowledged: %s, seen: %s)", tp, acknowledged, seen)
            .isGreaterThanOrEqualTo(offset));
  }
}
