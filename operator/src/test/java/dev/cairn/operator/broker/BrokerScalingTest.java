package dev.cairn.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.broker.BrokerScaling.Kind;
import dev.cairn.operator.broker.BrokerView.PartitionView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Scale-down empties the leaving brokers first and is refused when it could not be safe. */
class BrokerScalingTest {
  private static PartitionView p(String topic, int partition, int minIsr, Integer... replicas) {
    return new PartitionView(topic, partition, List.of(replicas), replicas.length, true, minIsr);
  }

  private static BrokerView view(Set<Integer> brokers, PartitionView... partitions) {
    return new BrokerView("kafka-0", List.of(partitions), brokers, Set.of());
  }

  @Test
  void scalingDownMovesReplicasOffTheLeavingBrokersToTheLeastLoadedOnesFirst() {
    BrokerView view =
        view(
            Set.of(0, 1, 2, 3),
            p("orders", 0, 1, 3, 0),
            p("orders", 1, 1, 0, 1),
            p("orders", 2, 1, 1, 2),
            p("orders", 3, 1, 2, 3));
    BrokerScaling step = BrokerScaling.next(3, 4, false, view);
    assertThat(step.kind()).isEqualTo(Kind.MOVE);
    assertThat(step.message()).contains("moving 2 partition(s) off broker(s) [3]");
    // The preferred position is kept: broker 3 was preferred for orders-0, its successor is.
    assertThat(step.moves())
        .containsOnlyKeys(new TopicPartition("orders", 0), new TopicPartition("orders", 3));
    Map<Integer, Integer> load = new HashMap<>();
    step.moves().values().forEach(r -> r.forEach(b -> load.merge(b, 1, Integer::sum)));
    assertThat(load).doesNotContainKey(3);
    assertThat(step.moves().get(new TopicPartition("orders", 0))).hasSize(2).endsWith(0);
    assertThat(step.moves().get(new TopicPartition("orders", 3))).hasSize(2).startsWith(2);
  }

  @Test
  void scalingDownKeepsAPartitionInTheRackOfTheReplicaItMoves() {
    List<PartitionView> partitions =
        List.of(p("orders", 0, 1, 3, 0), p("orders", 1, 1, 1, 0), p("orders", 2, 1, 1, 2));
    BrokerView unaware = view(Set.of(0, 1, 2, 3), partitions.toArray(PartitionView[]::new));
    assertThat(BrokerScaling.next(3, 4, false, unaware).moves())
        .containsExactly(Map.entry(new TopicPartition("orders", 0), List.of(2, 0)));
    BrokerView racked =
        new BrokerView(
            "kafka-0",
            partitions,
            Set.of(0, 1, 2, 3),
            Map.of(0, "a", 1, "b", 2, "a", 3, "b"),
            Set.of());
    // Broker 2 is less loaded, but in rack a with broker 0: broker 1 keeps it on both racks.
    assertThat(BrokerScaling.next(3, 4, false, racked).moves())
        .containsExactly(Map.entry(new TopicPartition("orders", 0), List.of(1, 0)));
  }

  @Test
  void scalingDownShrinksOnlyOnceTheLeavingBrokersAreEmptyAndNothingIsMoving() {
    BrokerView moving =
        new BrokerView(
            "kafka-0",
            List.of(p("orders", 0, 1, 0, 1, 3)),
            Set.of(0, 1, 2, 3),
            Set.of(new TopicPartition("orders", 0)));
    assertThat(BrokerScaling.next(3, 4, false, moving).kind()).isEqualTo(Kind.WAIT);
    BrokerView empty = view(Set.of(0, 1, 2, 3), p("orders", 0, 1, 0, 1, 2));
    assertThat(BrokerScaling.next(3, 4, false, empty).kind()).isEqualTo(Kind.APPLY);
    assertThat(BrokerScaling.next(3, 4, false, empty).moves()).isEmpty();
  }

  @Test
  void scalingDownWaitsWhileTheBrokersDoNotAnswer() {
    BrokerScaling step = BrokerScaling.next(2, 3, false, BrokerView.unknown(null));
    assertThat(step.kind()).isEqualTo(Kind.WAIT);
    assertThat(step.message()).contains("waiting for the brokers");
  }

  @Test
  void scalingDownBelowAReplicationFactorOrMinInSyncIsRefused() {
    BrokerView rf3 = view(Set.of(0, 1, 2), p("__consumer_offsets", 0, 1, 0, 1, 2));
    BrokerScaling refused = BrokerScaling.next(2, 3, false, rf3);
    assertThat(refused.kind()).isEqualTo(Kind.REFUSE);
    assertThat(refused.message())
        .contains("__consumer_offsets has replication factor 3")
        .contains("set spec.replicas back to 3")
        .contains("Nothing was changed");
    BrokerView minIsr3 = view(Set.of(0, 1, 2), p("payments", 0, 3, 0, 1));
    assertThat(BrokerScaling.next(2, 3, false, minIsr3).message())
        .contains("payments has min.insync.replicas 3");
    BrokerView fits = view(Set.of(0, 1, 2), p("orders", 0, 2, 0, 1));
    assertThat(BrokerScaling.next(2, 3, false, fits).kind()).isEqualTo(Kind.APPLY);
  }

  @Test
  void scalingUpRebalancesOntoTheEmptyNewBrokerOnlyWhenAskedAndSettled() {
    List<PartitionView> partitions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      partitions.add(p("orders", i, 2, i % 3, (i + 1) % 3, (i + 2) % 3));
    }
    BrokerView grown = new BrokerView("kafka-0", partitions, Set.of(0, 1, 2, 3), Set.of());
    assertThat(BrokerScaling.next(4, 4, false, grown).moves()).isEmpty();
    BrokerScaling step = BrokerScaling.next(4, 4, true, grown);
    assertThat(step.kind()).isEqualTo(Kind.APPLY);
    Map<Integer, Integer> load = new HashMap<>();
    for (PartitionView p : partitions) {
      step.moves().getOrDefault(p.id(), p.replicas()).forEach(b -> load.merge(b, 1, Integer::sum));
    }
    // 18 replicas over four brokers: 4 or 5 each, the new broker included.
    assertThat(load).containsOnlyKeys(0, 1, 2, 3);
    assertThat(load.values()).allMatch(n -> n == 4 || n == 5);
    step.moves().values().forEach(r -> assertThat(r).hasSize(3).doesNotHaveDuplicates());

    BrokerView notRegistered = new BrokerView("kafka-0", partitions, Set.of(0, 1, 2), Set.of());
    assertThat(BrokerScaling.next(4, 4, true, notRegistered).moves())
        .as("the new broker has not registered yet")
        .isEmpty();
    BrokerView balanced = view(Set.of(0, 1, 2), partitions.toArray(PartitionView[]::new));
    assertThat(BrokerScaling.next(3, 3, true, balanced).moves()).isEmpty();
  }

  @Test
  void aRebalanceIsPendingUntilMovedAndNoReassignmentIsLeft() {
    List<PartitionView> partitions = List.of(p("orders", 0, 1, 0, 1), p("orders", 1, 1, 1, 0));
    BrokerView empty = new BrokerView("kafka-0", partitions, Set.of(0, 1, 2), Set.of());
    assertThat(BrokerScaling.rebalancePending(3, empty)).contains("1 partition(s) to move");
    BrokerView moving =
        new BrokerView(
            "kafka-0", partitions, Set.of(0, 1, 2), Set.of(new TopicPartition("orders", 0)));
    assertThat(BrokerScaling.rebalancePending(3, moving)).contains("1 partition reassignment");
    BrokerView done = view(Set.of(0, 1, 2), p("orders", 0, 1, 2, 1), p("orders", 1, 1, 1, 0));
    assertThat(BrokerScaling.rebalancePending(3, done)).isNull();
  }
}
