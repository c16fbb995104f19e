package dev.cairn.operator.ensemble;

import java.util.Set;

/**
 * The next step of changing an ensemble's size through dynamic reconfiguration, one server at a
 * time, decided from one round of observations; pure, so the rules are tested without servers.
 *
 * <p>Scaling up: the StatefulSet grows first; each new server starts from a zoo.cfg that lists the
 * ensemble and itself, follows the leader without a vote, and once it serves (it is in sync) the
 * operator adds it with {@code reconfig -add}, lowest id first. Scaling down: while the ensemble is
 * whole (a leader with every follower in sync), the operator removes the highest extra voter with
 * {@code reconfig -remove}; only when no voter is left beyond the new size does the StatefulSet
 * shrink, so no pod a quorum counts on is ever deleted. A leader that removes itself hands
 * leadership to the remaining voters before its pod goes. Between one server and several there is
 * no reconfig (standalone mode has no quorum protocol), so that change is refused.
 */
record EnsembleScaling(Kind kind, int serverId, String message) {
  enum Kind {
    /** Apply the workload; the membership needs nothing now. */
    APPLY,
    /** Add {@code serverId} as a voter, then apply the workload. */
    ADD,
    /** Remove {@code serverId} from the voters; apply nothing until it is out. */
    REMOVE,
    /** Apply nothing yet: {@code message} says what is awaited. */
    WAIT,
    /** The change cannot be made: {@code message} says why; apply nothing. */
    REFUSE
  }

  static final String REASON = "Reconfiguring";

  static EnsembleScaling next(int desired, EnsembleView view) {
    int running = view.replicas();
    if (running == 1 && desired == 1) {
      return apply();
    }
    if ((running == 1) != (desired == 1)) {
      return new EnsembleScaling(
          Kind.REFUSE,
          0,
          "Changing replicas from "
              + running
              + " to "
              + desired
              + " is not supported: a single server runs standalone, without the quorum"
              + " protocol a reconfiguration needs; scale between 3, 5 and 7 servers. Set"
              + " spec.replicas back to "
              + running
              + ". Nothing was changed.");
    }
    Set<Integer> voters = view.voters();
    if (voters == null) {
      return desired == running
          ? apply()
          : new EnsembleScaling(
              Kind.WAIT, 0, "Waiting for a server to report the ensemble's membership.");
    }
    int extra =
        voters.stream().filter(id -> id > desired).mapToInt(Integer::intValue).max().orElse(0);
    if (extra > 0) {
      // Every other voter in sync: the ones that stay hold every committed write and still make
      // a quorum (servers outside the configuration may lag: they count for nothing).
      String blocked = view.followersBlocked(voters.size() - 1);
      if (blocked != null) {
        return new EnsembleScaling(
            Kind.WAIT, 0, "Waiting to remove server." + extra + ": " + blocked + ".");
      }
      return new EnsembleScaling(
          Kind.REMOVE, extra, "Removing server." + extra + " from the ensemble's voters.");
    }
    for (int id = 1; id <= desired; id++) {
      if (voters.contains(id)) {
        continue;
      }
      if (view.leader() != null && view.role(id) == ServerState.Role.FOLLOWER) {
        return new EnsembleScaling(
            Kind.ADD, id, "Adding server." + id + " to the ensemble's voters.");
      }
      return apply();
    }
    return apply();
  }

  /** server.1 to server.{@code count}. */
  static Set<Integer> ids(int count) {
    return java.util.stream.IntStream.rangeClosed(1, count)
        .boxed()
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  private static EnsembleScaling apply() {
    return new EnsembleScaling(Kind.APPLY, 0, null);
  }
}
