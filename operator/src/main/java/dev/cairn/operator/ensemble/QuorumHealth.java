package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.Conditions;
import dev.cairn.operator.common.Health;

/**
 * What an ensemble of several servers with no leader in sight is, given what its pods say ({@code
 * fromPods}), in this order:
 *
 * <ol>
 *   <li>every pod Ready: its servers serve, so a quorum exists and no answer named the leader (one
 *       came late or was lost): {@code LeaderUnknown}, Progressing, so it is asked again soon;
 *   <li>it had a leader before (the last status named one, or said {@code QuorumLost} or {@code
 *       LeaderUnknown}): Degraded {@code QuorumLost}, no write commits. This includes the second or
 *       so of election after the operator restarts the leader in a rolling restart: the quorum is
 *       gone then too, and saying so is the truth a client sees;
 *   <li>otherwise what its pods say: a new ensemble electing its first leader is starting.
 * </ol>
 *
 * The previous status is the only memory needed to tell a loss from a start, and the operator keeps
 * no other.
 */
final class QuorumHealth {
  static final String QUORUM_LOST = "QuorumLost";
  static final String LEADER_UNKNOWN = "LeaderUnknown";

  private QuorumHealth() {}

  static Health assess(EnsembleView view, EnsembleStatus previous, Health fromPods) {
    if (!view.quorumLost()) {
      return fromPods;
    }
    if (fromPods.state() == Health.State.READY) {
      return Health.progressing(
          LEADER_UNKNOWN,
          "Every pod is ready but no server answered srvr as leader; asking again.");
    }
    if (!hadQuorum(previous)) {
      return fromPods;
    }
    return Health.degraded(
        QUORUM_LOST,
        "No server of "
            + view.replicas()
            + " leads the ensemble: no write commits and clients get ConnectionLoss until "
            + view.quorumSize()
            + " of them elect a leader.");
  }

  private static boolean hadQuorum(EnsembleStatus previous) {
    if (previous == null) {
      return false;
    }
    var ready = previous.condition(Conditions.READY);
    String reason = ready == null ? null : ready.getReason();
    return previous.leader != null || QUORUM_LOST.equals(reason) || LEADER_UNKNOWN.equals(reason);
  }
}
