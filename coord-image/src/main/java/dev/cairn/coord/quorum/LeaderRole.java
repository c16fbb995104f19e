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
import dev.cairn.coord.quorum.QuorumMessage.Request;
import dev.cairn.coord.quorum.QuorumMessage.Revalidate;
import dev.cairn.coord.quorum.QuorumMessage.Revalidated;
import dev.cairn.coord.quorum.QuorumMessage.Snap;
import dev.cairn.coord.quorum.QuorumMessage.Sync;
import dev.cairn.coord.quorum.QuorumMessage.Trunc;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The leader's side of Zab. Discovery: a quorum's FOLLOWERINFO fixes the new epoch (one more than
 * any epoch they accepted) and a quorum's ACKEPOCH makes it current. Synchronisation: each learner
 * gets DIFF, TRUNC or SNAP to make its history equal to the leader's, then NEWLEADER; once a quorum
 * acknowledged NEWLEADER the leader's whole history is committed and it starts serving. Broadcast:
 * PROPOSAL to every synced learner, COMMIT, in zxid order, when a quorum (the leader included,
 * after its own fsync) acknowledged.
 */
final class LeaderRole {
  private enum Phase {
    /** Sent LEADERINFO (or waiting to), waiting for ACKEPOCH. */
    DISCOVERY,
    /** Sent the sync and NEWLEADER, getting proposals and commits, waiting for its ACK. */
    SYNCING,
    /** Acknowledged NEWLEADER and was told UPTODATE. */
    ACTIVE
  }

  private static final class Learner {
    Phase phase = Phase.DISCOVERY;
    final boolean observer;
    long lastHeard;
    long lastZxid;
    long syncedThrough;
    boolean epochAcked;

    /** Acknowledged NEWLEADER: synced, told UPTODATE as soon as this leader is established. */
    boolean newLeaderAcked;

    Learner(boolean observer, long now) {
      this.observer = observer;
      this.lastHeard = now;
    }
  }

  private final QuorumPeer peer;
  private final QuorumConfig config;
  private final long started;
  private final Map<Integer, Learner> learners = new HashMap<>();
  private final Map<Integer, Long> acceptedEpochs = new HashMap<>();
  private final Set<Integer> epochAcks = new HashSet<>();
  private final Set<Integer> newLeaderAcks = new HashSet<>();
  private final TreeMap<Long, Set<Integer>> outstanding = new TreeMap<>();
  private final List<Long> unsyncedOwn = new ArrayList<>();

  /** Sync requests waiting for the proposal they came after to commit: zxid → servers, in order. */
  private final TreeMap<Long, List<Integer>> pendingSyncs = new TreeMap<>();

  private long epoch = -1;
  private boolean epochCurrent;
  private boolean established;
  private long counter;
  private boolean stepDown;

  LeaderRole(QuorumPeer peer, long now) {
    this.peer = peer;
    this.config = peer.config;
    this.started = now;
    acceptedEpochs.put(config.myId(), peer.epochs.accepted());
    maybeDecideEpoch();
  }

  boolean established() {
    return established;
  }

  int learnerCount() {
    return learners.size();
  }

  /**
   * This leader and the followers (voters or not in the configuration) synced and heard from within
   * syncLimit, as ZooKeeper's {@code LearnerHandler.synced()}: who would ack now.
   */
  Set<Integer> syncedVoters() {
    long now = peer.clock.monotonicMillis();
    Set<Integer> ids = new HashSet<>();
    ids.add(config.myId());
    learners.forEach((id, learner) -> {
      if (learner.phase == Phase.ACTIVE
          && !learner.observer
          && now - learner.lastHeard <= config.syncLimitMillis()) {
        ids.add(id);
      }
    });
    return ids;
  }

  /**
   * A committed reconfiguration left this server out of the voters: it leads no more, at its next
   * tick, once the commits already decided have left.
   */
  void stepDown() {
    stepDown = true;
  }

  int syncedFollowerCount() {
    int synced = 0;
    for (Learner learner : learners.values()) {
      if (learner.phase == Phase.ACTIVE && !learner.observer) {
        synced++;
      }
    }
    return synced;
  }

  void receive(int from, QuorumMessage message) {
    long now = peer.clock.monotonicMillis();
    if (message instanceof FollowerInfo info) {
      onFollowerInfo(from, info, now);
      return;
    }
    Learner learner = learners.get(from);
    if (learner == null) {
      return; // not (or no longer) one of ours: it will time out and look again
    }
    learner.lastHeard = now;
    switch (message) {
      case AckEpoch ack -> onAckEpoch(from, learner, ack);
      case Ack ack -> onAck(from, learner, ack.zxid());
      case Request request -> {
        if (established) {
          peer.listener.request(from, request.data(), request.auth());
        }
      }
      case PingReply ping -> peer.listener.pinged(from, ping.payload());
      case Revalidate r ->
          peer.outbox.send(
              from,
              new Revalidated(
                  r.sessionId(),
                  established && peer.listener.revalidate(r.sessionId(), r.timeout())));
      default -> {}
    }
  }

  private void onFollowerInfo(int from, FollowerInfo info, long now) {
    Learner existing = learners.get(from);
    if (existing != null && existing.phase == Phase.DISCOVERY) {
      existing.lastHeard = now;
      if (epoch >= 0) {
        peer.outbox.send(from, new LeaderInfo(epoch)); // a resent FOLLOWERINFO
      }
      return;
    }
    // A follower outside the configuration (a server joining, or one removed) syncs and acks like
    // any other; its acks count where a configuration makes it a voter.
    Learner learner = new Learner(info.observer(), now);
    learners.put(from, learner);
    if (epoch < 0) {
      if (!learner.observer) {
        acceptedEpochs.put(from, info.acceptedEpoch());
      }
      maybeDecideEpoch();
    } else {
      peer.outbox.send(from, new LeaderInfo(epoch));
    }
  }

  private void maybeDecideEpoch() {
    if (epoch >= 0 || !peer.quorums().isQuorum(acceptedEpochs.keySet())) {
      return;
    }
    long max = 0;
    for (long accepted : acceptedEpochs.values()) {
      max = Math.max(max, accepted);
    }
    epoch = max + 1;
    peer.epochs.accept(epoch);
    epochAcks.add(config.myId());
    for (int id : learners.keySet()) {
      peer.outbox.send(id, new LeaderInfo(epoch));
    }
    maybeMakeEpochCurrent();
  }

  private void onAckEpoch(int from, Learner learner, AckEpoch ack) {
    if (learner.phase != Phase.DISCOVERY || epoch < 0) {
      return;
    }
    learner.lastZxid = ack.lastZxid();
    if (!established
        && peer.quorums().isVoter(from)
        && (ack.currentEpoch() > peer.epochs.current()
            || ack.currentEpoch() == peer.epochs.current()
                && ack.lastZxid() > peer.txnLog.lastZxid())) {
      // FLE should have elected a server at least as up to date; a voter ahead of us means our
      // history is not the one to impose. (Others ahead have only uncommitted txns: truncated.)
      peer.abandon(
          "learner "
              + from
              + " is ahead: epoch "
              + ack.currentEpoch()
              + ", zxid "
              + Zxid.hex(ack.lastZxid()));
      return;
    }
    // An epoch the learner had already accepted (ack -1) cannot be acknowledged a second time.
    learner.epochAcked = true;
    if (ack.currentEpoch() >= 0 && !learner.observer) {
      epochAcks.add(from);
    }
    if (epochCurrent) {
      sync(from, learner);
    } else {
      maybeMakeEpochCurrent();
    }
  }

  private void maybeMakeEpochCurrent() {
    if (epochCurrent || !peer.quorums().isQuorum(epochAcks)) {
      return;
    }
    epochCurrent = true;
    peer.epochs.makeCurrent(epoch);
    newLeaderAcks.add(config.myId());
    for (Map.Entry<Integer, Learner> e : learners.entrySet()) {
      if (e.getValue().phase == Phase.DISCOVERY && e.getValue().epochAcked) {
        sync(e.getKey(), e.getValue());
      }
    }
    maybeEstablish();
  }

  /**
   * Makes the learner's history equal to ours: DIFF when its last zxid is in ours and committed,
   * TRUNC when it ran ahead within an epoch we also have (its extra txns were never committed) or
   * holds proposals we have not committed yet, SNAP (our snapshot and log) when it is behind our
   * snapshot or diverged in another epoch. Everything proposed from now on reaches it too, after
   * the sync and NEWLEADER.
   *
   * <p>As ZooKeeper's leader, a learner keeps nothing past our committed point (our whole log while
   * we establish): what it held beyond is sent again. ZooKeeper applies every txn it logged when it
   * starts, and a learner told UPTODATE takes everything it holds outside the proposals still open
   * on its connection as committed.
   */
  private void sync(int id, Learner learner) {
    QuorumLog history = peer.txnLog;
    long theirs = learner.lastZxid;
    long committedPoint = established ? peer.committedZxid() : history.lastZxid();
    QuorumMessage sync;
    if (theirs >= history.base() && history.holds(theirs) && theirs > committedPoint) {
      sync = new Trunc(committedPoint, history.after(committedPoint));
    } else if (theirs >= history.base() && history.holds(theirs)) {
      sync = new Diff(history.after(theirs));
    } else if (theirs > history.base()) {
      int at = history.indexOf(theirs);
      int before = -(at + 1) - 1;
      long common = before >= 0 ? history.get(before).zxid() : history.base();
      sync =
          Zxid.epoch(common) == Zxid.epoch(theirs)
              ? new Trunc(common, history.after(common))
              : snapshot(history);
    } else {
      sync = snapshot(history);
    }
    peer.outbox.send(id, sync);
    // The pending configuration, if any, as ZooKeeper's leader sends its last seen one: a ZooKeeper
    // learner puts it in force at UPTODATE, while an activation sent during its sync may be lost.
    peer.outbox.send(id, new NewLeader(epoch, peer.quorums().latest()));
    learner.phase = Phase.SYNCING;
    learner.syncedThrough = history.lastZxid();
  }

  /** Our snapshot and the log after it: the whole history, for a learner too far behind. */
  private Snap snapshot(QuorumLog history) {
    QuorumSnapshot snapshot = QuorumSnapshot.read(peer.storage);
    if (snapshot == null) {
      return new Snap(0, new byte[0], history.after(0));
    }
    return new Snap(snapshot.zxid(), snapshot.state(), history.after(snapshot.zxid()));
  }

  private void onAck(int from, Learner learner, long zxid) {
    if (zxid == Zxid.of(epoch, 0) && learner.phase == Phase.SYNCING) {
      learner.newLeaderAcked = true;
      if (!learner.observer) {
        newLeaderAcks.add(from);
        for (Set<Integer> acks : outstanding.headMap(learner.syncedThrough, true).values()) {
          acks.add(from);
        }
      }
      if (established) {
        learner.phase = Phase.ACTIVE;
        peer.outbox.send(from, new UpToDate(peer.committedZxid()));
        commitReady();
      } else {
        maybeEstablish();
      }
      return;
    }
    Set<Integer> acks = outstanding.get(zxid);
    if (acks != null && !learner.observer) {
      acks.add(from);
      commitReady();
    }
  }

  private void maybeEstablish() {
    if (established || !epochCurrent || !peer.quorums().isQuorum(newLeaderAcks)) {
      return;
    }
    established = true;
    peer.commitThrough(peer.txnLog.lastZxid());
    // Observers too: their acks count for no quorum, but an observer that acked before the
    // followers did waits for its UPTODATE like them (else only initLimit would end its wait).
    for (Map.Entry<Integer, Learner> e : learners.entrySet()) {
      Learner learner = e.getValue();
      if (learner.phase == Phase.SYNCING && learner.newLeaderAcked) {
        learner.phase = Phase.ACTIVE;
        peer.outbox.send(e.getKey(), new UpToDate(peer.committedZxid()));
      }
    }
  }

  long nextZxid() {
    return Zxid.of(epoch, counter + 1);
  }

  void propose(Txn txn) {
    if (txn.zxid() != nextZxid()) {
      throw new IllegalArgumentException(
          "proposal " + Zxid.hex(txn.zxid()) + " is not the next zxid " + Zxid.hex(nextZxid()));
    }
    counter++;
    peer.txnLog.append(txn);
    outstanding.put(txn.zxid(), new HashSet<>());
    unsyncedOwn.add(txn.zxid());
    for (Map.Entry<Integer, Learner> e : learners.entrySet()) {
      if (e.getValue().phase != Phase.DISCOVERY) {
        peer.outbox.send(e.getKey(), new Proposal(txn));
      }
    }
  }

  /** The log is durable through {@code zxid}: our own proposals up to it count as acked by us. */
  void logSynced(long zxid) {
    int synced = 0;
    while (synced < unsyncedOwn.size() && unsyncedOwn.get(synced) <= zxid) {
      Set<Integer> acks = outstanding.get(unsyncedOwn.get(synced));
      if (acks != null) {
        acks.add(config.myId());
      }
      synced++;
    }
    if (synced == 0) {
      return;
    }
    unsyncedOwn.subList(0, synced).clear();
    commitReady();
  }

  /** Commits, in zxid order, every outstanding proposal a quorum has acknowledged. */
  private void commitReady() {
    while (!outstanding.isEmpty()
        && peer.committable(outstanding.firstKey(), outstanding.firstEntry().getValue())) {
      long zxid = outstanding.pollFirstEntry().getKey();
      // A reconfiguration names this leader even when it leaves the voters: learners of either
      // kind then stay until it steps down and elect together, rather than ZooKeeper learners
      // going straight to a designated leader that Cairn learners would not know of.
      QuorumMessage commit =
          peer.txnLog.reconfigAt(zxid) == null
              ? new Commit(zxid)
              : new CommitAndActivate(zxid, config.myId());
      peer.commitThrough(zxid);
      for (Map.Entry<Integer, Learner> e : learners.entrySet()) {
        if (e.getValue().phase != Phase.DISCOVERY) {
          peer.outbox.send(e.getKey(), commit);
        }
      }
      // After the commit, before any later one: a learner answers its sync in its queue's turn.
      answerSyncs();
    }
  }

  /** A sync request: answered once every proposal made so far is committed. */
  void sync(int from) {
    long last = peer.txnLog.lastZxid();
    pendingSyncs.computeIfAbsent(last, z -> new ArrayList<>()).add(from);
    answerSyncs();
  }

  private void answerSyncs() {
    while (!pendingSyncs.isEmpty() && pendingSyncs.firstKey() <= peer.committedZxid()) {
      for (int from : pendingSyncs.pollFirstEntry().getValue()) {
        if (from == config.myId()) {
          peer.listener.synced();
        } else if (learners.containsKey(from)) {
          peer.outbox.send(from, new Sync());
        }
      }
    }
  }

  void tick(long now) {
    if (stepDown) {
      peer.abandon(
          "no longer a voter in configuration " + Long.toHexString(peer.membership().version()));
      return;
    }
    for (Map.Entry<Integer, Learner> e : learners.entrySet()) {
      if (e.getValue().phase != Phase.DISCOVERY) {
        peer.outbox.send(e.getKey(), new Ping(peer.txnLog.lastZxid()));
      }
    }
    if (!established) {
      if (now - started > config.initLimitMillis()) {
        peer.abandon("no quorum synced within initLimit");
      }
      return;
    }
    Set<Integer> alive = new HashSet<>();
    alive.add(config.myId());
    learners.forEach((id, learner) -> {
      if (learner.phase == Phase.ACTIVE && now - learner.lastHeard <= config.syncLimitMillis()) {
        alive.add(id);
      }
    });
    if (!peer.quorums().isQuorum(alive)) {
      peer.abandon("lost the quorum: only " + alive + " heard within syncLimit");
    }
  }

  void disconnected(int id) {
    learners.remove(id);
  }
}
