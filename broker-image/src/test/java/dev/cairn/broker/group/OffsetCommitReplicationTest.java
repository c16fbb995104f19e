package dev.cairn.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.broker.log.LogConfig;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.replication.FetchPosition;
import dev.cairn.broker.server.Purgatory;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.server.ReplicationWaiter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes to {@code __consumer_offsets} are answered once the ISR holds them (acks=all): this broker
 * leads the offsets partition with replicas 0 and 1 and min.insync.replicas 2, and the test plays
 * follower 1, fetching or not.
 */
class OffsetCommitReplicationTest {
  private static final TopicPartition OFFSETS =
      new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);
  private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
  private static final int LEADER_EPOCH = 3;
  private static final long COMMIT_TIMEOUT_MS = 1_000;

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService requests = Executors.newFixedThreadPool(2);
  private LogManager logs;
  private ReplicaManager replicas;
  private GroupCoordinator groups;

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdownNow();
    requests.shutdownNow();
    if (logs != null) {
      logs.close();
    }
  }

  /** Leads the offsets partition with ISR {@code isr}; the group is loaded. */
  private void lead(List<Integer> isr) throws Exception {
    BrokerConfig config =
        BrokerConfig.of(
            Map.of(
                "offsets.topic.num.partitions", "1",
                "min.insync.replicas", "2",
                "offsets.commit.timeout.ms", "" + COMMIT_TIMEOUT_MS));
    logs =
        new LogManager(
            List.of(dir),
            t -> LogConfig.of(config, Map.of()),
            System::currentTimeMillis,
            FileSync.FORCE);
    replicas = new ReplicaManager(0, logs);
    Purgatory purgatory = new Purgatory(scheduler, requests);
    replicas.onHighWatermarkChange(purgatory::onEvent);
    groups =
        new GroupCoordinator(
            config,
            replicas,
            new ReplicationWaiter(replicas, purgatory),
            null,
            System::currentTimeMillis);
    groups.start(scheduler);
    var partition =
        new MetadataImage.PartitionImage(
            0, List.of(0, 1), new PartitionState(0, LEADER_EPOCH, isr, 1));
    var topic =
        new MetadataImage.TopicImage(
            OFFSETS.topic(),
            Uuid.randomUuid(),
            Map.of(0, partition),
            Map.of("cleanup.policy", "compact"));
    replicas.accept(
        new MetadataImage(Map.of(), 0, Map.of(OFFSETS.topic(), topic), Map.of(), Map.of()));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (groups.ownership("g") != Errors.NONE && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(groups.ownership("g")).isEqualTo(Errors.NONE);
  }

  private CompletableFuture<Map<TopicPartition, Errors>> commit(long offset) {
    return groups.commit(
        "g", "", null, -1, List.of(new GroupCoordinator.Commit(ORDERS, offset, -1, "")));
  }

  /** Follower 1 fetches at the leader's log end: it holds everything written so far. */
  private void followerCatchesUp() {
    long end = logs.get(OFFSETS).logEndOffset();
    replicas.fetchForFollower(OFFSETS, 1, new FetchPosition(end, -1, LEADER_EPOCH));
  }

  private Long visible() {
    OffsetRecords.Value v = groups.fetchOffsets("g", List.of(ORDERS)).get(ORDERS);
    return v == null ? null : v.offset();
  }

  @Test
  void aCommitIsAnsweredAndVisibleOnlyOnceTheFollowerHoldsIt() throws Exception {
    lead(List.of(0, 1));
    CompletableFuture<Map<TopicPartition, Errors>> first = commit(5);
    Thread.sleep(200);
    assertThat(first).as("answered before the follower has it").isNotDone();
    assertThat(visible()).as("visible before the follower has it").isNull();

    followerCatchesUp();
    assertThat(first.get(5, TimeUnit.SECONDS)).containsEntry(ORDERS, Errors.NONE);
    assertThat(visible()).isEqualTo(5);

    // Two commits replicated by one fetch: whichever is acknowledged first, the later one stays.
    CompletableFuture<Map<TopicPartition, Errors>> second = commit(7);
    CompletableFuture<Map<TopicPartition, Errors>> third = commit(9);
    followerCatchesUp();
    assertThat(second.get(5, TimeUnit.SECONDS)).containsEntry(ORDERS, Errors.NONE);
    assertThat(third.get(5, TimeUnit.SECONDS)).containsEntry(ORDERS, Errors.NONE);
    assertThat(visible()).isEqualTo(9);
  }

  @Test
  void aCommitTheStoppedFollowerNeverFetchesTimesOutAsCoordinatorNotAvailable() throws Exception {
    lead(List.of(0, 1));
    followerCatchesUp();
    long start = System.nanoTime();
    Map<TopicPartition, Errors> answer = commit(5).get(10, TimeUnit.SECONDS);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(answer).containsEntry(ORDERS, Errors.COORDINATOR_NOT_AVAILABLE);
    assertThat(waitedMs).as("waited offsets.commit.timeout.ms").isGreaterThanOrEqualTo(900);
    assertThat(visible()).as("a commit not acknowledged is not applied").isNull();
  }

  @Test
  void aCommitWithTooFewInSyncIsRefusedBeforeWriting() throws Exception {
    lead(List.of(0));
    long end = logs.get(OFFSETS).logEndOffset();

    assertThat(commit(5).get(5, TimeUnit.SECONDS))
        .containsEntry(ORDERS, Errors.COORDINATOR_NOT_AVAILABLE);
    assertThat(logs.get(OFFSETS).logEndOffset()).isEqualTo(end);
    assertThat(visible()).isNull();
  }

  @Test
  void aDeletionIsAnsweredOnceTheFollowerHoldsItsTombstones() throws Exception {
    lead(List.of(0, 1));
    CompletableFuture<Map<TopicPartition, Errors>> committed = commit(5);
    followerCatchesUp();
    assertThat(committed.get(5, TimeUnit.SECONDS)).containsEntry(ORDERS, Errors.NONE);

    CompletableFuture<Errors> deleted = groups.delete("g");
    Thread.sleep(200);
    assertThat(deleted).as("answered before the follower has the tombstones").isNotDone();
    followerCatchesUp();
    assertThat(deleted.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
    assertThat(visible()).isNull();
  }

  @Test
  void offsetCommitErrorsAreMappedAsKafkasGroupCoordinatorDoes() {
    Map<Errors, Errors> answered =
        Map.of(
            Errors.NOT_ENOUGH_REPLICAS, Errors.COORDINATOR_NOT_AVAILABLE,
            Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND, Errors.COORDINATOR_NOT_AVAILABLE,
            Errors.REQUEST_TIMED_OUT, Errors.COORDINATOR_NOT_AVAILABLE,
            Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.COORDINATOR_NOT_AVAILABLE,
            Errors.NOT_LEADER_OR_FOLLOWER, Errors.NOT_COORDINATOR,
            Errors.KAFKA_STORAGE_ERROR, Errors.NOT_COORDINATOR,
            Errors.RECORD_LIST_TOO_LARGE, Errors.INVALID_COMMIT_OFFSET_SIZE,
            Errors.MESSAGE_TOO_LARGE, Errors.INVALID_COMMIT_OFFSET_SIZE);
    answered.forEach((written, answer) ->
        assertThat(GroupCoordinator.offsetCommitError(written))
            .as("%s", written)
            .isEqualTo(answer));
  }
}
