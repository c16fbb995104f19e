package dev.cairn.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataImageTest {
  private static MetadataImage.PartitionImage partition(
      int id, List<Integer> replicas, int leader, List<Integer> isr) {
    return new MetadataImage.PartitionImage(id, replicas, new PartitionState(leader, 0, isr, 0));
  }

  private static final MetadataImage IMAGE =
      new MetadataImage(
          Map.of(),
          1,
          Map.of(
              "orders",
              new MetadataImage.TopicImage(
                  "orders",
                  Uuid.randomUuid(),
                  Map.of(
                      0, partition(0, List.of(1, 2, 3), 1, List.of(1, 2, 3)),
                      1, partition(1, List.of(2, 3, 1), 1, List.of(1)),
                      2, partition(2, List.of(3, 1, 2), 2, List.of(2, 1)),
                      3, partition(3, List.of(3), PartitionState.NO_LEADER, List.of(3)),
                      4, new MetadataImage.PartitionImage(4, List.of(1), null)),
                  Map.of())),
          Map.of(),
          Map.of());

  @Test
  void offlinePartitionsAreThoseTheControllerLeftWithoutLeader() {
    assertThat(IMAGE.offlinePartitions()).isEqualTo(1);
  }

  @Test
  void underReplicatedCountsOnlyPartitionsTheBrokerLeadsWithAShortIsr() {
    assertThat(IMAGE.underReplicatedLedBy(1)).isEqualTo(1);
    assertThat(IMAGE.underReplicatedLedBy(2)).isEqualTo(1);
    assertThat(IMAGE.underReplicatedLedBy(3)).isZero();
  }

  @Test
  void emptyImageHasNothingToReport() {
    assertThat(MetadataImage.EMPTY.offlinePartitions()).isZero();
    assertThat(MetadataImage.EMPTY.underReplicatedLedBy(1)).isZero();
  }
}
