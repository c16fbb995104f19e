package dev.cairn.broker.metadata;

import java.util.List;
import java.util.Set;

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
}
