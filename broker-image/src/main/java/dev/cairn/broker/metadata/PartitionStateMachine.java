package dev.cairn.broker.metadata;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * The controller's leader-election rules as pure functions of a partition's replicas, its current
 * state and the live brokers — no coordinator I/O, so they are tested directly.
 *
 * <ul>
 *   <li>A new partition's leader is its first live replica; the ISR is its live replicas.
 *   <li>When the leader is not live, the new leader is the first live replica (in assignment order)
 *       that is in the ISR; the epoch grows by one and the dead leader leaves the ISR. With no live
 *       ISR member the partition goes offline (leader -1) and keeps its last ISR, unless unclean
 *       election is enabled, which takes any live replica.
 *   <li>A follower that is not live leaves the ISR at once (the leader keeps its epoch): a broker
 *       that died may come back without what it had not written to disk, and must not be elected
 *       before it has caught up again.
 *   <li>An offline partition whose ISR member comes back gets it as leader.
 * </ul>
 */
public final class PartitionStateMachine {
  private PartitionStateMachine() {}

  public static PartitionState initial(List<Integer> replicas, Set<Integer> live, int ctrlEpoch) {
    List<Integer> isr = replicas.stream().filter(live::contains).toList();
    int leader = isr.isEmpty() ? PartitionState.NO_LEADER : isr.get(0);
    return new PartitionState(leader, 0, isr.isEmpty() ? replicas : isr, ctrlEpoch);
  }

  /** The state after a change of live brokers, or {@code current} when nothing must change. */
  public static PartitionState onLiveBrokersChanged(
      List<Integer> replicas,
      PartitionState current,
      Set<Integer> live,
      boolean uncleanElection,
      int ctrlEpoch) {
    if (current.leader() != PartitionState.NO_LEADER && live.contains(current.leader())) {
      List<Integer> isr = current.isr().stream().filter(live::contains).toList();
      return isr.equals(current.isr())
          ? current
          : new PartitionState(current.leader(), current.leaderEpoch(), isr, ctrlEpoch);
    }
    List<Integer> liveIsr =
        replicas.stream().filter(r -> current.isr().contains(r) && live.contains(r)).toList();
    if (!liveIsr.isEmpty()) {
      return new PartitionState(liveIsr.get(0), current.leaderEpoch() + 1, liveIsr, ctrlEpoch);
    }
    if (uncleanElection) {
      List<Integer> liveReplicas = replicas.stream().filter(live::contains).toList();
      if (!liveReplicas.isEmpty()) {
        return new PartitionState(
            liveReplicas.get(0),
            current.leaderEpoch() + 1,
            List.of(liveReplicas.get(0)),
            ctrlEpoch);
      }
    }
    if (current.leader() == PartitionState.NO_LEADER) {
      return current;
    }
    return new PartitionState(
        PartitionState.NO_LEADER, current.leaderEpoch() + 1, current.isr(), ctrlEpoch);
  }

  /** What an ElectLeaders request does to one partition: the new state, or why there is none. */
  public record Election(PartitionState state, Errors error) {}

  /**
   * Preferred-replica election: the first assigned replica leads, if it is live and in sync;
   * ELECTION_NOT_NEEDED when it leads already, PREFERRED_LEADER_NOT_AVAILABLE otherwise.
   */
  public static Election preferred(
      List<Integer> replicas, PartitionState current, Set<Integer> live, int ctrlEpoch) {
    int preferred = replicas.get(0);
    if (current.leader() == preferred) {
      return new Election(current, Errors.ELECTION_NOT_NEEDED);
    }
    if (!live.contains(preferred) || !current.isr().contains(preferred)) {
      return new Election(current, Errors.PREFERRED_LEADER_NOT_AVAILABLE);
    }
    return new Election(
        new PartitionState(preferred, current.leaderEpoch() + 1, current.isr(), ctrlEpoch),
        Errors.NONE);
  }

  /**
   * Unclean election, asked for one partition: only for a partition without a live leader; a live
   * in-sync replica still wins, else any live replica (which may lack committed records).
   */
  public static Election unclean(
      List<Integer> replicas, PartitionState current, Set<Integer> live, int ctrlEpoch) {
    if (current.leader() != PartitionState.NO_LEADER && live.contains(current.leader())) {
      return new Election(current, Errors.ELECTION_NOT_NEEDED);
    }
    PartitionState next = onLiveBrokersChanged(replicas, current, live, true, ctrlEpoch);
    return next.leader() == PartitionState.NO_LEADER
        ? new Election(current, Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE)
        : new Election(next, Errors.NONE);
  }

  /** One step of a reassignment: the replica list and state to write, and whether it is done. */
  public record ReassignmentStep(List<Integer> replicas, PartitionState state, boolean finished) {}

  /**
   * The next step of moving a partition from its {@code current} replicas to {@code target}, or
   * null while it must wait: first every target replica joins the replica list (target first, those
   * leaving after) so the new ones replicate; once all of the target is in sync, the list becomes
   * the target, the ISR loses those leaving and, if the leader is leaving, the first live in-sync
   * target replica leads. Each step bumps the leader epoch, so the leader starts again with the new
   * replica list.
   */
  public static ReassignmentStep reassign(
      List<Integer> current,
      List<Integer> target,
      PartitionState state,
      Set<Integer> live,
      int ctrlEpoch) {
    if (!current.containsAll(target)) {
      List<Integer> union = new java.util.ArrayList<>(target);
      current.stream().filter(r -> !target.contains(r)).forEach(union::add);
      return new ReassignmentStep(
          union,
          new PartitionState(state.leader(), state.leaderEpoch() + 1, state.isr(), ctrlEpoch),
          false);
    }
    if (!state.isr().containsAll(target)) {
      return null;
    }
    int leader = state.leader();
    if (!target.contains(leader)) {
      leader =
          target.stream()
              .filter(r -> live.contains(r) && state.isr().contains(r))
              .findFirst()
              .orElse(PartitionState.NO_LEADER);
      if (leader == PartitionState.NO_LEADER) {
        return null;
      }
    }
    List<Integer> isr = state.isr().stream().filter(target::contains).toList();
    return new ReassignmentStep(
        target, new PartitionState(leader, state.leaderEpoch() + 1, isr, ctrlEpoch), true);
  }
}
