package dev.cairn.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.operator.common.ClusterRef;
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
    assertThat(plan.problems().get(1)).contains("replication factor from 1 to 3");
  }

  @Test
  void unknownTopicConfigsAreRejected() {
    assertThatThrownBy(() -> TopicPlan.validate(spec(1, 1, Map.of("retention.mss", "1"))))
        .hasMessageContaining("'retention.mss' is not supported");
  }
}
