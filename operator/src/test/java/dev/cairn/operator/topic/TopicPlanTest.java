package dev.cairn.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.operator.common.ClusterRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicPlanTest {
  static TopicSpec spec(int partitions, int replicas, Map<String, String> config) {
    TopicSpec s = new TopicSpec();
    s.clusterRef = new ClusterRef("kafka");
    s.partitions = partitions;
    s.replicas = replicas;
    s.config = config;
    return s;
  }

  @Test
  void missingTopicIsCreatedWithItsConfig() {
    TopicPlan plan = TopicPlan.decide(spec(3, 1, Map.of("retention.ms", "1000")), Optional.empty());
    assertThat(plan.actions())
        .containsExactly(new TopicPlan.Create(3, 1, Map.of("retention.ms", "1000")));
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void morePartitionsGrowAndOnlyChangedConfigsAreAltered() {
    ObservedTopic observed =
        new ObservedTopic(
            "id",
            2,
            1,
            Map.of("retention.ms", "1000", "segment.ms", "5", "cleanup.policy", "delete"));
    TopicPlan plan =
        TopicPlan.decide(
            spec(
                4, 1, Map.of("retention.ms", "1000", "segment.ms", "6", "max.message.bytes", "10")),
            Optional.of(observed));
    assertThat(plan.actions())
        .containsExactly(
            new TopicPlan.GrowPartitions(2, 4),
            new TopicPlan.AlterConfigs(
                Map.of("max.message.bytes", "10", "segment.ms", "6"), Set.of("cleanup.policy")));
  }

  @Test
  void aTopicThatMatchesNeedsNothing() {
    TopicPlan plan =
        TopicPlan.decide(
            spec(2, 1, Map.of("retention.ms", "1")),
            Optional.of(new ObservedTopic("id", 2, 1, Map.of("retention.ms", "1"))));
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void shrinkingPartitionsAndChangingReplicasAreProblemsNotActions() {
    TopicPlan plan =
        TopicPlan.decide(spec(1, 3, null), Optional.of(new ObservedTopic("id", 2, 1, Map.of())));
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.problems()).hasSize(2);
    assertThat(plan.problems().get(0)).contains("cannot shrink");
    assertThat(plan.problems().get(1)).contains("replication factor from 1 to 3 needs 3 brokers");
  }

  private static ObservedTopic placed(int minIsr, ObservedTopic.PartitionReplicas... partitions) {
    return new ObservedTopic(
        "id",
        partitions.length,
        partitions[0].replicas().size(),
        Map.of(),
        List.of(partitions),
        Set.of(0, 1, 2, 3),
        Map.of(),
        minIsr,
        false);
  }

  private static ObservedTopic.PartitionReplicas at(
      int partition, int leader, List<Integer> isr, Integer... replicas) {
    return new ObservedTopic.PartitionReplicas(partition, List.of(replicas), isr, leader);
  }

  @Test
  void aHigherReplicationFactorAddsReplicasOnTheLeastLoadedBrokers() {
    ObservedTopic rf1 = placed(1, at(0, 0, List.of(0), 0), at(1, 1, List.of(1), 1));
    TopicPlan plan = TopicPlan.decide(spec(2, 2, null), Optional.of(rf1));
    assertThat(plan.problems()).isEmpty();
    assertThat(plan.actions())
        .containsExactly(
            new TopicPlan.ChangeReplicas(1, 2, Map.of(0, List.of(0, 2), 1, List.of(1, 3))));
  }

  @Test
  void aLowerReplicationFactorDropsOutOfSyncReplicasFirstAndNeverTheLeader() {
    ObservedTopic rf3 =
        placed(
            1,
            at(0, 0, List.of(0, 1, 2), 0, 1, 2),
            at(1, 2, List.of(2, 3), 1, 2, 3),
            at(2, 3, List.of(1, 3, 0), 3, 0, 1));
    TopicPlan plan = TopicPlan.decide(spec(3, 2, null), Optional.of(rf3));
    assertThat(plan.actions())
        .containsExactly(
            new TopicPlan.ChangeReplicas(
                3, 2, Map.of(0, List.of(0, 1), 1, List.of(2, 3), 2, List.of(3, 0))));
  }

  @Test
  void withRacksReplicasAreAddedInRacksLackingOneAndRemovedFromCrowdedOnes() {
    Map<Integer, String> racks = Map.of(0, "a", 1, "a", 2, "a", 3, "b");
    ObservedTopic rf1 = racked(placed(1, at(0, 0, List.of(0), 0), at(1, 1, List.of(1), 1)), racks);
    assertThat(TopicPlan.decide(spec(2, 2, null), Optional.of(rf1)).actions())
        .containsExactly(
            new TopicPlan.ChangeReplicas(1, 2, Map.of(0, List.of(0, 3), 1, List.of(1, 3))));

    ObservedTopic rf3 = placed(1, at(0, 0, List.of(0, 2, 3), 0, 2, 3));
    assertThat(TopicPlan.decide(spec(1, 2, null), Optional.of(rf3)).actions())
        .as("without racks the last replica goes")
        .containsExactly(new TopicPlan.ChangeReplicas(3, 2, Map.of(0, List.of(0, 2))));
    assertThat(TopicPlan.decide(spec(1, 2, null), Optional.of(racked(rf3, racks))).actions())
        .as("with racks the one sharing rack a with the leader goes")
        .containsExactly(new TopicPlan.ChangeReplicas(3, 2, Map.of(0, List.of(0, 3))));
  }

  private static ObservedTopic racked(ObservedTopic topic, Map<Integer, String> racks) {
    return new ObservedTopic(
        topic.topicId(),
        topic.partitions(),
        topic.replicas(),
        topic.config(),
        topic.assignment(),
        topic.brokers(),
        racks,
        topic.minInSync(),
        topic.reassigning());
  }

  @Test
  void replicationFactorChangesTheBrokersCannotKeepAreRefusedAndReassignmentsAwaited() {
    ObservedTopic rf2 = placed(2, at(0, 0, List.of(0, 1), 0, 1));
    assertThat(TopicPlan.decide(spec(1, 5, null), Optional.of(rf2)).problems())
        .containsExactly("Changing the replication factor from 2 to 5 needs 5 brokers; 4 run.");
    assertThat(TopicPlan.decide(spec(1, 1, null), Optional.of(rf2)).problems().get(0))
        .contains("min.insync.replicas=2");
    ObservedTopic moving =
        new ObservedTopic("id", 1, 3, Map.of(), rf2.assignment(), rf2.brokers(), Map.of(), 1, true);
    TopicPlan waiting = TopicPlan.decide(spec(1, 3, null), Optional.of(moving));
    assertThat(waiting.actions()).isEmpty();
    assertThat(waiting.waiting()).singleElement().asString().contains("in progress");
  }

  @Test
  void unknownTopicConfigsAreRejected() {
    assertThatThrownBy(() -> TopicPlan.validate(spec(1, 1, Map.of("retention.mss", "1"))))
        .hasMessageContaining("'retention.mss' is not supported");
  }
}
