package dev.cairn.coord.quorum;

import java.util.List;

/**
 * What quorum peers say to each other. The names and contents follow ZooKeeper's FLE notification
 * and {@code QuorumPacket} types (FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF, TRUNC, SNAP, NEWLEADER,
 * UPTODATE, PROPOSAL, ACK, COMMIT, PING, REQUEST), so a codec can put them on ZooKeeper's wire.
 * Learner-leader messages travel on one FIFO connection; its loss ends the learner's tie to that
 * leader.
 */
public sealed interface QuorumMessage {

  /**
   * FastLeaderElection: the sender's current vote and state, and its committed configuration (a
   * looking server that learns of a newer one adopts it and starts its round again, as in
   * ZooKeeper: how a server that missed a reconfiguration finds the ensemble).
   */
  record Notification(Vote vote, ServerState state, Membership config) implements QuorumMessage {}

  /** Learner → leader: the learner's accepted epoch and last logged zxid. */
  record FollowerInfo(long acceptedEpoch, long lastZxid, boolean observer)
      implements QuorumMessage {}

  /** Leader → learner: the epoch it proposes to lead. */
  record LeaderInfo(long newEpoch) implements QuorumMessage {}

  /**
   * Learner → leader: the learner accepted the epoch; here is its current epoch and history end.
   */
  record AckEpoch(long currentEpoch, long lastZxid) implements QuorumMessage {}

  /** Leader → learner: append these txns after your last one. */
  record Diff(List<Txn> txns) implements QuorumMessage {}

  /** Leader → learner: drop your txns after {@code zxid}, then append these. */
  record Trunc(long zxid, List<Txn> txns) implements QuorumMessage {}

  /**
   * Leader → learner: replace your whole history with this one: the state as of {@code zxid} (empty
   * for zxid 0), then the txns after it.
   */
  record Snap(long zxid, byte[] state, List<Txn> txns) implements QuorumMessage {}

  /**
   * Leader → learner: the history so far is the new epoch's; persist the epoch and acknowledge.
   * Carries the leader's committed configuration, which the learner adopts.
   */
  record NewLeader(long epoch, Membership config) implements QuorumMessage {}

  /** Leader → learner: you are synced; everything up to {@code committedZxid} is committed. */
  record UpToDate(long committedZxid) implements QuorumMessage {}

  record Proposal(Txn txn) implements QuorumMessage {}

  /** Learner → leader: {@code zxid} (and all before it) is durable here. */
  record Ack(long zxid) implements QuorumMessage {}

  record Commit(long zxid) implements QuorumMessage {}

  /**
   * Leader → learner: are you there; learner → leader: yes, with its last zxid and what the server
   * wants the leader to know (the sessions its clients kept alive).
   */
  record Ping(long zxid, byte[] payload) implements QuorumMessage {}

  /** Learner → leader: a client's write request, to prepare and propose. */
  record Request(byte[] data) implements QuorumMessage {}
}
