package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status aggregator: turns a {@link Health} into the {@code Ready}, {@code Progressing} and
 * {@code Degraded} conditions. Every condition records the generation it describes; {@code
 * lastTransitionTime} moves only when a condition's status, reason or message changes, so a status
 * that did not change compares equal and is not patched again.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  /** The conditions that describe {@code health} at {@code generation}, reusing unchanged times. */
  public static List<Condition> of(
      Health health, List<Condition> previous, long generation, Instant now) {
    boolean ready = health.state() == Health.State.READY;
    boolean progressing = health.state() == Health.State.PROGRESSING;
    boolean degraded = !ready && !progressing;
    List<Condition> result = new ArrayList<>(3);
    result.add(
        condition(
            READY,
            ready,
            health.reason(),
            health.message(),
            previous,
            generation,
            now)); // Ready carries the reason either way: "why not ready" is the question asked.
    result.add(
        condition(
            PROGRESSING,
            progressing,
            progressing ? health.reason() : "Settled",
            progressing ? health.message() : "No change in progress.",
            previous,
            generation,
            now));
    result.add(
        condition(
            DEGRADED,
            degraded,
            degraded ? health.reason() : "Healthy",
            degraded ? health.message() : "No problem detected.",
            previous,
            generation,
            now));
    return result;
  }

  private static Condition condition(
      String type,
      boolean status,
      String reason,
      String message,
      List<Condition> previous,
      long generation,
      Instant now) {
    String statusText = status ? "True" : "False";
    Condition before =
        previous == null
            ? null
            : previous.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    boolean unchanged =
        before != null
            && statusText.equals(before.getStatus())
            && Objects.equals(reason, before.getReason())
            && Objects.equals(message, before.getMessage());
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(statusText);
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(generation);
    c.setLastTransitionTime(
        unchanged && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now.truncatedTo(ChronoUnit.SECONDS).toString());
    return c;
  }
}
