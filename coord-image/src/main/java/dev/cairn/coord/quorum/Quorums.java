package dev.cairn.coord.quorum;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configurations a peer must satisfy at once, as ZooKeeper's quorum verifier pair: the
 * committed one and, while a reconfiguration is logged but not known to be committed, the next.
 * Elections, a leader's establishment and every proposal from the reconfig's on need a quorum of
 * both, so whichever of the two ends up in force intersects every quorum that decided anything.
 *
 * @param next the pending configuration, null when none
 */
public record Quorums(Membership committed, Membership next) {

  public boolean isQuorum(Collection<Integer> ids) {
    return committed.isQuorum(ids) && (next == null || next.isQuorum(ids));
  }

  public boolean isVoter(int id) {
    return committed.isVoter(id) || next != null && next.isVoter(id);
  }

  /** The newest configuration this peer knows. */
  public Membership latest() {
    return next == null ? committed : next;
  }

  /** Every server of either configuration. */
  public Set<Integer> servers() {
    Set<Integer> ids = new TreeSet<>(committed.servers().keySet());
    if (next != null) {
      ids.addAll(next.servers().keySet());
    }
    return ids;
  }
}
