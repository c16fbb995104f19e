package dev.cairn.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** With racks, every placement keeps a partition's replicas spread over as many racks as it can. */
class ReplicaPlacementTest {
  private static TopicPartition tp(int partition) {
    return new TopicPartition("orders", partition);
  }

  private static Map<TopicPartition, List<Integer>> assignment(List<List<Integer>> replicas) {
    Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      assignment.put(tp(i), replicas.get(i));
    }
    return assignment;
  }

  @Test
  void aNewReplicaGoesToARackWithoutOneBeforeALessLoadedBroker() {
    Map<TopicPartition, List<Integer>> one = assignment(List.of(List.of(0)));
    ReplicaPlacement unaware = new ReplicaPlacement(one, Set.of(0, 1, 2));
    unaware.add(tp(0));
    assertThat(unaware.changes()).containsEntry(tp(0), List.of(0, 1));

    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b");
    ReplicaPlacement aware = new ReplicaPlacement(one, Set.of(0, 1, 2), racks);
    aware.add(tp(0));
    assertThat(aware.changes()).containsEntry(tp(0), List.of(0, 2));
  }

  @Test
  void moreReplicasThanRacksSpreadEvenlyOverTheRacks() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b", 3, "b");
    ReplicaPlacement placement =
        new ReplicaPlacement(assignment(List.of(List.of(0))), racks.keySet(), racks);
    for (int i = 0; i < 3; i++) {
      assertThat(placement.add(tp(0))).isTrue();
    }
    assertThat(placement.changes()).containsEntry(tp(0), List.of(0, 2, 1, 3));
    assertThat(placement.add(tp(0))).as("every broker holds one").isFalse();
  }

  @Test
  void aReplacedReplicaStaysInTheOnlyRackTheRestOfItsPartitionLacksHoweverLoaded() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b", 3, "b", 4, "c", 5, "c");
    Map<TopicPartition, List<Integer>> assignment =
        assignment(List.of(List.of(4, 0, 2), List.of(5), List.of(5), List.of(5)));
    Set<Integer> staying = Set.of(0, 1, 2, 3, 5);

    ReplicaPlacement unaware = new ReplicaPlacement(assignment, staying);
    assertThat(unaware.replace(tp(0), 4, staying)).isTrue();
    assertThat(unaware.changes()).containsEntry(tp(0), List.of(1, 0, 2));

    ReplicaPlacement aware = new ReplicaPlacement(assignment, staying, racks);
    assertThat(aware.replace(tp(0), 4, staying)).isTrue();
    assertThat(aware.changes()).containsEntry(tp(0), List.of(5, 0, 2));
  }

  @Test
  void racksAreIgnoredUnlessEveryCandidateBrokerHasOne() {
    ReplicaPlacement placement =
        new ReplicaPlacement(
            assignment(List.of(List.of(0))), Set.of(0, 1, 2), Map.of(0, "a", 1, "a"));
    placement.add(tp(0));
    assertThat(placement.changes()).containsEntry(tp(0), List.of(0, 1));
    assertThat(placement.sharesRack(tp(0), 0)).isFalse();
  }

  @Test
  void sharesRackTellsWhichReplicaCanGoWithoutCostingARack() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "b");
    ReplicaPlacement placement =
        new ReplicaPlacement(assignment(List.of(List.of(0, 1, 2))), racks.keySet(), racks);
    assertThat(placement.sharesRack(tp(0), 0)).isTrue();
    assertThat(placement.sharesRack(tp(0), 1)).isTrue();
    assertThat(placement.sharesRack(tp(0), 2)).isFalse();
    placement.remove(tp(0), 1);
    assertThat(placement.sharesRack(tp(0), 0)).isFalse();
  }

  @Test
  void balancingOntoNewBrokersKeepsEveryPartitionOnEveryRack() {
    // Three racks of one broker each, grown to two brokers per rack: every partition already has a
    // replica in every rack, so each move must stay within its rack.
    Map<Integer, String> racks = Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "b", 5, "c");
    Map<TopicPartition, List<Integer>> assignment =
        assignment(
            List.of(
                List.of(0, 1, 2),
                List.of(1, 2, 0),
                List.of(2, 0, 1),
                List.of(0, 1, 2),
                List.of(1, 2, 0),
                List.of(2, 0, 1)));
    ReplicaPlacement placement = new ReplicaPlacement(assignment, racks.keySet(), racks);
    placement.balance();
    assertThat(placement.load()).containsOnlyKeys(0, 1, 2, 3, 4, 5);
    assertThat(placement.load().values()).containsOnly(3);
    Map<TopicPartition, List<Integer>> after = new HashMap<>(assignment);
    after.putAll(placement.changes());
    after.forEach((tp, replicas) ->
        assertThat(replicas.stream().map(racks::get).collect(Collectors.toSet()))
            .as(tp + " " + replicas)
            .containsExactlyInAnyOrder("a", "b", "c"));
  }

  @Test
  void aBalancingMoveNeverCrowdsARackWhileAnotherHasNone() {
    // Broker 2 is the only empty one but in rack a, which already holds a replica of every
    // partition; it may take only the replicas that leave rack a.
    Map<Integer, String> racks = Map.of(0, "a", 1, "b", 2, "a");
    Map<TopicPartition, List<Integer>> assignment =
        assignment(List.of(List.of(0, 1), List.of(1, 0), List.of(0, 1), List.of(1, 0)));
    ReplicaPlacement placement = new ReplicaPlacement(assignment, racks.keySet(), racks);
    placement.balance();
    assertThat(placement.load()).isEqualTo(Map.of(0, 2, 1, 4, 2, 2));
    placement.changes().values().forEach(r -> assertThat(r).containsExactlyInAnyOrder(2, 1));

    ReplicaPlacement unaware = new ReplicaPlacement(assignment, racks.keySet());
    unaware.balance();
    assertThat(unaware.changes().values())
        .as("without racks, a partition ends up on brokers 0 and 2, both in rack a")
        .anySatisfy(r -> assertThat(r).containsExactlyInAnyOrder(0, 2));
  }
}
