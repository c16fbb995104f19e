package dev.cairn.coord.quorum;

/**
 * A vote in FastLeaderElection: who should lead, with the history that candidate has ({@code zxid},
 * {@code peerEpoch}), cast in election round {@code electionEpoch}.
 */
public record Vote(long leader, long zxid, long electionEpoch, long peerEpoch) {
  /**
   * Whether a vote for {@code (leader, zxid, peerEpoch)} beats this one: a newer epoch, then a
   * longer history, then the higher server id (ZooKeeper's totalOrderPredicate), so every server
   * ends up preferring the same candidate with the most complete history.
   */
  public boolean isBeatenBy(long otherLeader, long otherZxid, long otherPeerEpoch) {
    if (otherPeerEpoch != peerEpoch) {
      return otherPeerEpoch > peerEpoch;
    }
    if (otherZxid != zxid) {
      return otherZxid > zxid;
    }
    return otherLeader > leader;
  }

  public boolean sameCandidate(Vote other) {
    return leader == other.leader && zxid == other.zxid && peerEpoch == other.peerEpoch;
  }
}
