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
}
