package dev.cairn.coord.quorum;

import java.util.List;
import org.apache.zookeeper.data.Id;

/**
 * What quorum peers say to each other. The names and contents follow ZooKeeper's FLE notification
 * and {@code QuorumPacket} types (FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF, TRUNC, SNAP, NEWLEADER,
 * UPTODATE, PROPOSAL, ACK, COMMIT, PING, REQUEST, SYNC, REVALIDATE); {@link ZabWire} puts them on
 * ZooKeeper's wire. Learner-leader messages travel on one FIFO connection the learner opens; its
 * loss ends the learner's tie to that leader.
 */
public sealed interface QuorumMessage {

  /**
   * FastLeaderElection: the sender's current vote and state, and its committed configuration (a
   * looking server that learns of a newer one adopts it and starts its round again, as in
   * ZooKeeper: how a server that missed a reconfiguration finds the ensemble).
   */
  record Notification(Vote vote, ServerState state, Membership config) implements QuorumMessage {}

  /**
   * Learner → leader, first on its connection: the learner's accepted epoch and the version of its
   * committed configuration (its last zxid follows in ACKEPOCH).
   */
  record FollowerInfo(long acceptedEpoch, boolean observer, long configVersion)
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
   * Carries the newest configuration the leader knows, as ZooKeeper's leader sends its last seen
   * one: committed, or one whose reconfig txn the sync carries and which the learner puts in force
   * when that txn commits (a ZooKeeper learner puts it in force at UPTODATE).
   */
  record NewLeader(long epoch, Membership config) implements QuorumMessage {}

  /**
   * Leader → learner: you are synced; everything up to {@code committedZxid} is committed (a
   * learner never commits past its own log's end: the wire may say "everything you hold").
   */
  record UpToDate(long committedZxid) implements QuorumMessage {}

  record Proposal(Txn txn) implements QuorumMessage {}

  /** Learner → leader: {@code zxid} (and all before it) is durable here. */
  record Ack(long zxid) implements QuorumMessage {}

  record Commit(long zxid) implements QuorumMessage {}

  /**
   * Leader → learner: {@code zxid}, a reconfiguration, is committed, and its configuration is in
   * force with {@code leader} leading it (ZooKeeper's COMMITANDACTIVATE, and INFORMANDACTIVATE to
   * an observer). A ZooKeeper learner puts a committed configuration into force only on these: on a
   * plain COMMIT it updates {@code /zookeeper/config} and goes on with the old membership. A
   * learner told of a leader other than its own goes to that one without an election, as a
   * ZooKeeper learner does.
   */
  record CommitAndActivate(long zxid, long leader) implements QuorumMessage {}

  /** Leader → learner: are you there (with the leader's last proposed zxid). */
  record Ping(long zxid) implements QuorumMessage {}

  /**
   * Learner → leader, answering a {@link Ping}: what the server wants the leader to know (the
   * sessions its clients kept alive).
   */
  record PingReply(long zxid, byte[] payload) implements QuorumMessage {}

  /**
   * Learner → leader: a client's write request, to prepare and propose, with the identities the
   * client authenticated as (for ACL checks on the leader).
   */
  record Request(byte[] data, List<Id> auth) implements QuorumMessage {}

  /**
   * Leader → learner: every proposal made before the learner's oldest unanswered sync request is
   * committed; answer it.
   */
  record Sync() implements QuorumMessage {}

  /** Learner → leader: is this session (a client reconnecting to the learner) still alive. */
  record Revalidate(long sessionId, int timeout) implements QuorumMessage {}

  /** Leader → learner: the answer to a {@link Revalidate}. */
  record Revalidated(long sessionId, boolean valid) implements QuorumMessage {}
}
