package dev.cairn.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.broker.log.LogConfig;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.server.ReplicaManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's offsets follow the leadership of their {@code __consumer_offsets} partition.
 */
class GroupCoordinatorLoadingTest {
  private static final TopicPartition OFFSETS =
      new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);
  private static final TopicPartition ORDERS = new TopicPartition("orders", 0);
  private static final Uuid OFFSETS_ID = Uuid.randomUuid();

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  private LogManager logs;
  private ReplicaManager replicas;
  private GroupCoordinator groups;

  /** Broker 0's coordinator of a one-partition {@code __consumer_offsets}. */
  @BeforeEach
  void start() throws Exception {
    BrokerConfig config = BrokerConfig.of(Map.of("offsets.topic.num.partitions", "1"));
    logs =
        new LogManager(
            List.of(dir),
            t -> LogConfig.of(config, Map.of()),
            System::currentTimeMillis,
            FileSync.FORCE);
    replicas = new ReplicaManager(0, logs);
    groups = new GroupCoordinator(config, replicas, null, null, System::currentTimeMillis);
    groups.start(scheduler);
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdownNow();
    logs.close();
  }

  private static MetadataImage ledBy(int leader, int epoch) {
    return ledBy(leader, epoch, List.of(leader));
  }

  private static MetadataImage ledBy(int leader, int epoch, List<Integer> isr) {
    var partition =
        new MetadataImage.PartitionImage(
            0, List.of(0, 1), new PartitionState(leader, epoch, isr, 1));
    var topic =
        new MetadataImage.TopicImage(
            OFFSETS.topic(), OFFSETS_ID, Map.of(0, partition), Map.of("cleanup.policy", "compact"));
    return new MetadataImage(Map.of(), 0, Map.of(OFFSETS.topic(), topic), Map.of(), Map.of());
  }

  @Test
  void offsetsWrittenUnderAnotherLeaderAreReadBeforeLeadershipReturnsToService() throws Exception {
    replicas.accept(ledBy(0, 0));
    awaitOwnership(groups, Errors.NONE);
    groups.commit("g", "", null, -1, List.of(new GroupCoordinator.Commit(ORDERS, 5, -1, "")));

    replicas.accept(ledBy(1, 1));
    assertThat(groups.ownership("g")).isEqualTo(Errors.NOT_COORDINATOR);
    // What broker 1, leading meanwhile, committed reaches this replica's log.
    logs.get(OFFSETS)
        .appendAsLeader(
            MemoryRecords.withRecords(
                Compression.NONE,
                new SimpleRecord(
                    0,
                    OffsetRecords.key("g", ORDERS.topic(), 0),
                    OffsetRecords.value(9, -1, "", 0))),
            1);

    CountDownLatch reloadMayRun = new CountDownLatch(1);
    scheduler.execute(() -> {
      try {
        reloadMayRun.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    replicas.accept(ledBy(0, 2));
    assertThat(groups.ownership("g"))
        .as("the offsets in memory are those of the previous leadership")
        .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    reloadMayRun.countDown();
    awaitOwnership(groups, Errors.NONE);
    assertThat(groups.fetchOffsets("g", List.of(ORDERS)).get(ORDERS).offset()).isEqualTo(9);
  }

  /**
   * A new leader's log may end above its high watermark (the previous leader's last appends, which
   * it acknowledged once this replica held them): a transactional offset commit and its COMMIT
   * marker there count. Read to the high watermark only, the commit stayed pending and OffsetFetch
   * answered UNSTABLE_OFFSET_COMMIT forever, so a read_committed consumer of the group never
   * started.
   */
  @Test
  void transactionalOffsetsAndTheirMarkerAboveTheHighWatermarkAreReplayed() throws Exception {
    replicas.accept(ledBy(0, 0));
    awaitOwnership(groups, Errors.NONE);
    replicas.accept(ledBy(1, 1, List.of(1, 0)));
    long producerId = 7;
    short producerEpoch = 3;
    var log = logs.get(OFFSETS);
    log.appendAsLeader(
        MemoryRecords.withTransactionalRecords(
            Compression.NONE,
            producerId,
            producerEpoch,
            0,
            new SimpleRecord(
                0, OffsetRecords.key("g", ORDERS.topic(), 0), OffsetRecords.value(12, -1, "", 0))),
        1,
        true);
    log.appendAsLeader(
        MemoryRecords.withEndTransactionMarker(
            0L,
            0L,
            1,
            producerId,
            producerEpoch,
            new EndTransactionMarker(ControlRecordType.COMMIT, 0)),
        1,
        true);
    assertThat(log.highWatermark()).isLessThan(log.logEndOffset());

    // Broker 1 is gone; this replica leads with the follower that has not fetched yet.
    replicas.accept(ledBy(0, 2, List.of(0, 1)));
    awaitOwnership(groups, Errors.NONE);
    assertThat(groups.hasPendingTransactionalOffset("g", ORDERS)).isFalse();
    OffsetRecords.Value committed = groups.fetchOffsets("g", List.of(ORDERS)).get(ORDERS);
    assertThat(committed).as("the committed transaction's offset").isNotNull();
    assertThat(committed.offset()).isEqualTo(12);
  }

  private static void awaitOwnership(GroupCoordinator groups, Errors expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (groups.ownership("g") != expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(groups.ownership("g")).isEqualTo(expected);
  }
}
