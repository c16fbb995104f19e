package dev.cairn.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

class ReplicaAssignorTest {
  @Test
  void matchesKafkasDocumentedFiveBrokerTenPartitionLayout() {
    Map<Integer, List<Integer>> a = ReplicaAssignor.assign(List.of(0, 1, 2, 3, 4), 10, 3, 0, 0, 0);
    assertThat(a.get(0)).containsExactly(0, 1, 2);
    assertThat(a.get(1)).containsExactly(1, 2, 3);
    assertThat(a.get(4)).containsExactly(4, 0, 1);
    assertThat(a.get(5)).containsExactly(0, 2, 3);
    assertThat(a.get(9)).containsExactly(4, 1, 2);
  }

  @Test
  void firstReplicasRotateFromTheStartIndexAndPartitionsCanBeAppended() {
    Map<Integer, List<Integer>> a = ReplicaAssignor.assign(List.of(10, 20, 30), 3, 1, 2, 1, 0);
    assertThat(a).containsOnlyKeys(2, 3, 4);
    assertThat(a.get(2)).containsExactly(10);
    assertThat(a.get(3)).containsExactly(20);
  }

  @Test
  void replicationFactorAboveTheBrokerCountIsRefused() {
    assertThatThrownBy(() -> ReplicaAssignor.assign(List.of(0), 1, 2, 0, 0, 0))
        .isInstanceOf(InvalidReplicationFactorException.class)
        .hasMessageContaining("larger than available brokers: 1");
  }

  @Test
  void rackAwarePlacementSpreadsEachPartitionOverRacksAndLeadersOverBrokers() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b", 3, "b", 4, "c", 5, "c");
    assertThat(ReplicaAssignor.rackAlternated(racks)).containsExactly(0, 2, 4, 1, 3, 5);
    Map<Integer, List<Integer>> a = ReplicaAssignor.assignRackAware(racks, 12, 3, 0, 0, 0);
    java.util.Map<Integer, Integer> leaders = new java.util.HashMap<>();
    a.forEach((p, replicas) -> {
      assertThat(replicas).doesNotHaveDuplicates();
      assertThat(replicas.stream().map(racks::get).distinct())
          .as("partition %d spans three racks", p)
          .hasSize(3);
      leaders.merge(replicas.get(0), 1, Integer::sum);
    });
    assertThat(leaders.values()).as("two leaderships per broker").containsOnly(2);
  }

  @Test
  void withFewerRacksThanReplicasEveryRackHoldsOneBeforeAnyHoldsTwo() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b", 3, "b");
    ReplicaAssignor.assignRackAware(racks, 8, 3, 0, 1, 1)
        .forEach((p, replicas) -> {
          assertThat(replicas).doesNotHaveDuplicates();
          assertThat(replicas.stream().map(racks::get).distinct()).hasSize(2);
        });
  }
}
