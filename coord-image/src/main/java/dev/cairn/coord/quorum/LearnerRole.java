package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Ack;
import dev.cairn.coord.quorum.QuorumMessage.AckEpoch;
import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.CommitAndActivate;
import dev.cairn.coord.quorum.QuorumMessage.Diff;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.LeaderInfo;
import dev.cairn.coord.quorum.QuorumMessage.NewLeader;
import dev.cairn.coord.quorum.QuorumMessage.Ping;
import dev.cairn.coord.quorum.QuorumMessage.PingReply;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import dev.cairn.coord.quorum.QuorumMessage.Snap;
import dev.cairn.coord.quorum.QuorumMessage.Sync;
import dev.cairn.coord.quorum.QuorumMessage.Trunc;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.util.List;

/**
 * A follower's or observer's side of Zab: register with the leader (FOLLOWERINFO, once: the
 * connection carrying it is reliable, and a ZooKeeper leader takes no second one), accept its epoch
 * (persisted before answering), take the sync that makes this history the leader's, make the epoch
 * current at NEWLEADER, and serve from UPTODATE on: log and acknowledge proposals, apply commits.
 * Observers log and apply but never acknowledge, so they never count for a quorum.
 */
final class LearnerRole {
  private enum Phase {
    CONNECTING,
    EPOCH_ACCEPTED,
    SYNCED,
    UP_TO_DATE
  }

  private final QuorumPeer peer;
  private final int leader;
  private final long started;
  private Phase phase = Phase.CONNECTING;
  private long lastHeard;
  private long epoch = -1;

  LearnerRole(QuorumPeer peer, int leader, long now) {
    this.peer = peer;
    this.leader = leader;
    this.started = now;
    this.lastHeard = now;
    register();
  }

  boolean upToDate() {
    return phase == Phase.UP_TO_DATE;
  }

  private void register() {
    peer.outbox.send(
        leader,
        new FollowerInfo(
            peer.epochs.accepted(),
            peer.state() == ServerState.OBSERVING,
            peer.membership().version()));
  }

  void receive(QuorumMessage message) {
    lastHeard = peer.clock.monotonicMillis();
    switch (message) {
      case LeaderInfo info -> onLeaderInfo(info.newEpoch());
      case Diff diff -> synced(diff.txns());
      case Trunc trunc -> {
        if (trunc.zxid() < peer.appliedZxid() || !peer.txnLog.holds(trunc.zxid())) {
          // Only uncommitted txns after a zxid both histories share may be dropped.
          throw new IllegalStateException(
              "server "
                  + peer.config.myId()
                  + ": leader "
                  + leader
                  + " truncates to "
                  + Zxid.hex(trunc.zxid())
                  + ", applied "
                  + Zxid.hex(peer.appliedZxid())
                  + ", logged "
                  + Zxid.hex(peer.txnLog.lastZxid()));
        }
        peer.txnLog.truncateAfter(trunc.zxid());
        synced(trunc.txns());
      }
      case Snap snap -> {
        if (phase != Phase.EPOCH_ACCEPTED) {
          peer.abandon("sync out of order from " + leader);
          return;
        }
        peer.installFromLeader(snap.zxid(), snap.state(), snap.txns());
        phase = Phase.SYNCED;
      }
      case NewLeader newLeader -> {
        if (phase != Phase.SYNCED || newLeader.epoch() != epoch) {
          peer.abandon("NEWLEADER out of order from " + leader);
          return;
        }
        peer.txnLog.sync();
        peer.epochs.makeCurrent(epoch);
        peer.outbox.send(leader, new Ack(Zxid.of(epoch, 0)));
        peer.adoptLeaderMembership(newLeader.config());
      }
      case UpToDate upToDate -> {
        if (phase != Phase.SYNCED) {
          peer.abandon("UPTODATE out of order from " + leader);
          return;
        }
        phase = Phase.UP_TO_DATE;
        peer.commitThrough(Math.min(upToDate.committedZxid(), peer.txnLog.lastZxid()));
      }
      case Proposal proposal -> {
        if (phase == Phase.CONNECTING || phase == Phase.EPOCH_ACCEPTED) {
          return;
        }
        peer.txnLog.append(proposal.txn());
        if (peer.state() != ServerState.OBSERVING) {
          peer.outbox.send(leader, new Ack(proposal.txn().zxid()));
        }
      }
      case Commit commit -> {
        if (phase == Phase.UP_TO_DATE) {
          peer.commitThrough(commit.zxid());
        }
      }
      case CommitAndActivate activate -> {
        if (phase == Phase.UP_TO_DATE) {
          peer.commitThrough(activate.zxid());
          if (activate.leader() != leader && peer.learnerRole() == this) {
            peer.goToDesignatedLeader(activate.leader());
          }
        }
      }
      case Ping ping ->
          peer.outbox.send(leader, new PingReply(ping.zxid(), peer.listener.pingPayload()));
      case Sync sync -> peer.listener.synced();
      default -> {}
    }
  }

  private void onLeaderInfo(long newEpoch) {
    if (phase != Phase.CONNECTING) {
      return;
    }
    long accepted = peer.epochs.accepted();
    if (newEpoch < accepted) {
      peer.abandon("leader " + leader + " proposes epoch " + newEpoch + " < accepted " + accepted);
      return;
    }
    epoch = newEpoch;
    phase = Phase.EPOCH_ACCEPTED;
    // Accepting the same epoch twice must not count twice for the leader's quorum: say -1.
    long current = newEpoch == accepted ? -1 : peer.epochs.current();
    peer.epochs.accept(newEpoch);
    peer.outbox.send(leader, new AckEpoch(current, peer.txnLog.lastZxid()));
  }

  private void synced(List<Txn> txns) {
    if (phase != Phase.EPOCH_ACCEPTED) {
      peer.abandon("sync out of order from " + leader);
      return;
    }
    for (Txn txn : txns) {
      // A ZooKeeper leader's DIFF may start at the learner's own last txn.
      if (txn.zxid() > peer.txnLog.lastZxid()) {
        peer.txnLog.append(txn);
      }
    }
    phase = Phase.SYNCED;
  }

  void tick(long now) {
    if (phase == Phase.UP_TO_DATE
        ? now - lastHeard > peer.config.syncLimitMillis()
        : now - started > peer.config.initLimitMillis()) {
      peer.abandon("leader " + leader + " silent or sync too slow");
    }
  }
}
