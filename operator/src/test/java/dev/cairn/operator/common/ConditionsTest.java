package dev.cairn.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  static Condition find(List<Condition> cs, String type) {
    return cs.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void readyHealthSetsReadyTrueAndTheOthersFalseWithGeneration() {
    List<Condition> cs =
        Conditions.of(Health.ready("AllPodsReady", "All 1 pods are ready."), null, 7, T0);
    assertThat(cs)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Progressing", "Degraded");
    assertThat(find(cs, "Ready").getStatus()).isEqualTo("True");
    assertThat(find(cs, "Progressing").getStatus()).isEqualTo("False");
    assertThat(find(cs, "Degraded").getStatus()).isEqualTo("False");
    assertThat(cs).allMatch(c -> c.getObservedGeneration() == 7);
  }

  @Test
  void invalidSpecIsDegradedWithTheReasonAndNotReady() {
    List<Condition> cs =
        Conditions.of(Health.invalid("zoo.cfg key 'x' is not supported"), null, 1, T0);
    assertThat(find(cs, "Ready").getStatus()).isEqualTo("False");
    assertThat(find(cs, "Degraded").getStatus()).isEqualTo("True");
    assertThat(find(cs, "Degraded").getReason()).isEqualTo("InvalidSpec");
    assertThat(find(cs, "Degraded").getMessage()).contains("zoo.cfg key 'x'");
  }

  @Test
  void lastTransitionTimeMovesOnlyForConditionsThatChanged() {
    List<Condition> first =
        Conditions.of(Health.progressing("PodsStarting", "0 of 1 pods are ready."), null, 1, T0);
    List<Condition> same =
        Conditions.of(Health.progressing("PodsStarting", "0 of 1 pods are ready."), first, 2, T1);
    assertThat(same).allMatch(c -> c.getLastTransitionTime().equals("2026-01-01T00:00:00Z"));
    assertThat(same).allMatch(c -> c.getObservedGeneration() == 2);

    List<Condition> ready =
        Conditions.of(Health.ready("AllPodsReady", "All 1 pods are ready."), first, 2, T1);
    assertThat(find(ready, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(find(ready, "Progressing").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:05:00Z");
    assertThat(find(ready, "Degraded").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }
}
