package dev.cairn.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.log.FileSync;
import dev.cairn.broker.log.LogConfig;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local logs go only on a positive signal: a deleted topic id, or another topic of that name. */
class ReplicaManagerTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @TempDir Path dir;

  private static MetadataImage image(Uuid id, Map<String, Set<Uuid>> deleted) {
    Map<String, MetadataImage.TopicImage> topics =
        id == null
            ? Map.of()
            : Map.of(
                "t",
                new MetadataImage.TopicImage(
                    "t",
                    id,
                    Map.of(
                        0,
                        new MetadataImage.PartitionImage(
                            0, List.of(0), new PartitionState(0, 0, List.of(0), 1))),
                    Map.of()));
    return new MetadataImage(Map.of(), 0, topics, deleted, Map.of());
  }

  @Test
  void aLogIsKeptWhileItsTopicIsMissingAndGoesWhenDeletedOrReplaced() throws Exception {
    BrokerConfig config = BrokerConfig.of(Map.of());
    LogManager logs =
        new LogManager(
            List.of(dir),
            t -> LogConfig.of(config, Map.of()),
            System::currentTimeMillis,
            FileSync.FORCE);
    ReplicaManager replicas = new ReplicaManager(0, logs);
    Uuid first = Uuid.randomUuid();
    replicas.accept(image(first, Map.of()));
    replicas.appendToLeader(
        TP,
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes())),
        (short) 1);

    replicas.accept(image(null, Map.of()));
    assertThat(logs.get(TP)).as("an empty coordinator is no reason").isNotNull();
    assertThat(logs.get(TP).logEndOffset()).isEqualTo(1);

    Uuid second = Uuid.randomUuid();
    replicas.accept(image(second, Map.of()));
    assertThat(logs.get(TP).topicId()).as("the old topic's log went").isEqualTo(second);
    assertThat(logs.get(TP).logEndOffset()).isZero();

    replicas.accept(image(null, Map.of("t", Set.of(second))));
    assertThat(logs.get(TP)).as("deleted").isNull();
    logs.close();
  }
}
