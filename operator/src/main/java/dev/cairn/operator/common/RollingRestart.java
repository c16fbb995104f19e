package dev.cairn.operator.common;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Decides the next step of a rolling restart; pure, the reconciler carries it out. A pod is
 * outdated when its config hash or image differs from the StatefulSet's template (with {@code
 * OnDelete} the StatefulSet controller recreates a deleted pod from the current template).
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Nothing outdated → {@link Step.Kind#IDLE}.
 *   <li>Any pod missing, terminating or not ready → {@link Step.Kind#WAIT}: one pod down at a time,
 *       and the pod just restarted must be Ready (its engine reports healthy through {@code
 *       /readyz}) before the next goes.
 *   <li>The engines say a restart would hurt now ({@code blocked}, e.g. a follower of the ensemble
 *       is not in sync with its leader, so one more server down could cost the quorum) → {@link
 *       Step.Kind#WAIT}.
 *   <li>Otherwise delete one outdated pod: highest ordinal first, the pod named {@code last} (the
 *       ensemble leader, the broker controller) only when it is the only one left, so leadership
 *       moves once instead of with every restart.
 * </ol>
 */
public final class RollingRestart {
  /** The reason of the Progressing condition while a rolling restart is under way. */
  public static final String REASON = "RollingRestart";

  private RollingRestart() {}

  /** One step: what to do and why, in words for the Progressing condition. */
  public record Step(Kind kind, String pod, String message) {
    public enum Kind {
      IDLE,
      WAIT,
      DELETE
    }
  }

  /**
   * @param last the pod to restart last, or null
   * @param blocked why the engines forbid a restart now, or null
   */
  public static Step next(
      List<PodView> pods,
      int replicas,
      String configHash,
      String image,
      String last,
      String blocked) {
    List<PodView> outdated =
        pods.stream()
            .filter(p ->
                !Objects.equals(p.configHash(), configHash) || !Objects.equals(p.image(), image))
            .toList();
    if (outdated.isEmpty()) {
      return new Step(Step.Kind.IDLE, null, "All pods run the current configuration.");
    }
    String remaining = outdated.size() + " of " + replicas + " pods still to restart";
    for (PodView p : pods) {
      if (p.terminating()) {
        return new Step(
            Step.Kind.WAIT,
            p.name(),
            "Rolling restart: waiting for pod " + p.name() + " to stop; " + remaining + ".");
      }
    }
    if (pods.size() < replicas) {
      return new Step(
          Step.Kind.WAIT,
          null,
          "Rolling restart: waiting for "
              + (replicas - pods.size())
              + " pod(s) to be recreated; "
              + remaining
              + ".");
    }
    for (PodView p : pods.stream().sorted(Comparator.comparingInt(PodView::ordinal)).toList()) {
      if (!p.ready()) {
        return new Step(
            Step.Kind.WAIT,
            p.name(),
            "Rolling restart: waiting for pod "
                + p.name()
                + " to become ready; "
                + remaining
                + ".");
      }
    }
    if (blocked != null) {
      return new Step(
          Step.Kind.WAIT, null, "Rolling restart: waiting: " + blocked + "; " + remaining + ".");
    }
    Comparator<PodView> order =
        Comparator.comparing((PodView p) -> p.name().equals(last))
            .thenComparing(PodView::ordinal, Comparator.reverseOrder());
    PodView victim = outdated.stream().min(order).orElseThrow();
    return new Step(
        Step.Kind.DELETE,
        victim.name(),
        "Rolling restart: restarting pod " + victim.name() + "; " + remaining + ".");
  }
}
