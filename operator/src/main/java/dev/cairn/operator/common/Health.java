package dev.cairn.operator.common;

/**
 * What a reconcile concluded about one resource, in words a person can act on. It maps onto the
 * three standard conditions: {@code READY} → Ready; {@code PROGRESSING} → Progressing (pods
 * starting, a rolling restart, waiting for a dependency); {@code DEGRADED} → Degraded (something
 * failed and retrying may not help); {@code INVALID} → Degraded with the spec rejected and nothing
 * applied.
 */
public record Health(State state, String reason, String message) {
  /** The state of a managed resource, also the label of the {@code cairn_operator_*} gauges. */
  public enum State {
    READY,
    PROGRESSING,
    DEGRADED,
    INVALID;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static Health ready(String reason, String message) {
    return new Health(State.READY, reason, message);
  }

  public static Health progressing(String reason, String message) {
    return new Health(State.PROGRESSING, reason, message);
  }

  public static Health degraded(String reason, String message) {
    return new Health(State.DEGRADED, reason, message);
  }

  public static Health invalid(String message) {
    return new Health(State.INVALID, "InvalidSpec", message);
  }
}
