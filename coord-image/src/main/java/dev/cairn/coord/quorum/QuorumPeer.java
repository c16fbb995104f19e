package dev.cairn.coord.quorum;

import dev.cairn.common.io.BackgroundFsync;
import dev.cairn.common.io.Storage;
import dev.cairn.common.net.Transport;
import dev.cairn.common.time.Clock;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of a ZooKeeper ensemble as a pure state machine: FastLeaderElection, then Zab's
 * discovery, synchronisation and broadcast as leader or learner. Messages, ticks and client writes
 * go in; the peer writes its log and epochs to its {@link Storage}, sends through its {@link
 * Transport} only after those writes are durable, and hands committed txns, in zxid order, to the
 * {@code apply} callback. With a {@link BackgroundFsync} the log's fsyncs run while the peer goes
 * on taking messages, as ZooKeeper's SyncRequestProcessor: what vouches for a write (a learner's
 * ACK, everything it sends after it, the leader's own ack) waits for the fsync covering it. No
 * threads, sockets or clocks of its own: the caller drives it from one thread (the simulator, or
 * the server's quorum thread).
 *
 * <p>Logged and committed differ: the log may end in proposals no quorum acknowledged, which a
 * later leader truncates; only txns up to {@link #committedZxid()} are applied. After a restart
 * nothing is applied until a leader says what is committed, and then the history is applied again
 * from the start (the caller rebuilds its state from nothing).
 */
public final class QuorumPeer {
  private static final Logger log = LoggerFactory.getLogger(QuorumPeer.class);

  /** The committed configuration, in ZooKeeper's text, replaced atomically on every change. */
  static final String MEMBERSHIP = "quorum.membership";

  final QuorumConfig config;
  final Clock clock;
  final QuorumLog txnLog;
  final Epochs epochs;
  final Outbox outbox = new Outbox();
  private final Transport<QuorumMessage> transport;
  final Storage storage;
  final Listener listener;
  private ServerState state = ServerState.LOOKING;
  private FastLeaderElection election;
  private long logicalClock;
  private Vote currentVote;
  private LeaderRole leader;
  private LearnerRole learner;
  private Membership committedConfig;

  /**
   * Learners that registered before this peer decided (a learner registers once per connection):
   * handed to the leader role if this peer comes to lead.
   */
  private final Map<Integer, FollowerInfo> registrations = new HashMap<>();

  private long committedZxid;
  private long appliedZxid;
  private boolean wasServing;
  private boolean batching;
  private int sinceSnapshot;
  private boolean snapshotWanted;
  private volatile Status status;

  /** What waits for a log fsync, oldest first. */
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  /**
   * Messages that may leave, and the leader's own acks for its proposals through {@code
   * loggedThrough} that count, once the log's fsync number {@code fsync} finished.
   */
  private record Held(long fsync, long loggedThrough, List<Outbox.Outgoing> messages) {}

  /**
   * What other threads (four-letter words, metrics) may read of the peer: published after every
   * step.
   *
   * @param followers learners connected to this leader (0 unless leading)
   * @param syncedFollowers of those, the voting ones synced and acknowledging
   */
  public record Status(
      ServerState state,
      boolean serving,
      long leader,
      long epoch,
      long lastLoggedZxid,
      long committedZxid,
      int followers,
      int syncedFollowers) {}

  /** Why a leader cannot take a reconfiguration now (ZooKeeper's error codes for each). */
  public enum ReconfigCheck {
    OK,
    /** Another reconfiguration is logged and not yet committed: RECONFIGINPROGRESS. */
    IN_PROGRESS,
    /** The new configuration's voters synced with this leader are no quorum: NEWCONFIGNOQUORUM. */
    NO_QUORUM
  }

  /** What the peer tells the server it runs in. Called on the peer's thread. */
  public interface Listener {
    /** A committed txn, in zxid order. */
    void apply(Txn txn);

    /**
     * Replaces the whole state with a snapshot's (at start-up, or from the leader): everything up
     * to {@code zxid}; empty bytes for zxid 0 mean the empty state. Txns after it follow by {@link
     * #apply}.
     */
    void restore(long zxid, byte[] state);

    /**
     * The log has grown by {@link QuorumConfig#snapCount} txns: when the state is exactly as of
     * {@code zxid} (every txn up to it applied, none after), hand its bytes to {@link
     * QuorumPeer#installSnapshot}, later, on the peer's thread.
     */
    default void snapshotWanted(long zxid) {}

    /**
     * Leader only: a client request that arrived here or at a learner, to prepare as a txn and
     * {@link #propose} (or, for a sync, to {@link #sync}), with the identities its client
     * authenticated as. Requests of one learner arrive in the order it sent them.
     */
    void request(int from, byte[] request, List<Id> auth);

    /**
     * The oldest sync request this server handed to the leader is answered: everything proposed
     * before it is committed.
     */
    default void synced() {}

    /** Leader: whether a session a learner's client resumes is alive (and keeps it so). */
    default boolean revalidate(long sessionId, int timeout) {
      return false;
    }

    /** Learner: what to tell the leader with each ping (the sessions its clients kept alive). */
    default byte[] pingPayload() {
      return new byte[0];
    }

    /** Leader: a learner's ping payload. */
    default void pinged(int from, byte[] payload) {}

    /** The peer started or stopped serving (see {@link #serving}). */
    default void servingChanged(boolean serving) {}

    /**
     * The configuration {@code txn} changes the ensemble to (its version the txn's zxid), or null
     * for a txn that is no reconfiguration. Called for every txn the peer logs or loads.
     */
    default Membership membershipIn(Txn txn) {
      return null;
    }

    /** The committed configuration changed (a reconfig committed, or was learned of). */
    default void membershipChanged(Membership committed) {}
  }

  /** A peer that fsyncs its log on the caller's thread, in each step. */
  public QuorumPeer(
      QuorumConfig config,
      Clock clock,
      Transport<QuorumMessage> transport,
      Storage storage,
      Listener listener) {
    this(config, clock, transport, storage, null, listener);
  }

  /**
   * A peer whose log fsyncs run on {@code fsync} (null: on the caller's thread), whose {@code done}
   * must come back on the peer's thread.
   */
  public QuorumPeer(
      QuorumConfig config,
      Clock clock,
      Transport<QuorumMessage> transport,
      Storage storage,
      BackgroundFsync fsync,
      Listener listener) {
    this.config = config;
    this.clock = clock;
    this.transport = transport;
    this.listener = listener;
    this.storage = storage;
    QuorumSnapshot snapshot = QuorumSnapshot.read(storage);
    this.txnLog =
        new QuorumLog(
            storage, fsync, snapshot == null ? 0 : snapshot.zxid(), listener::membershipIn);
    this.epochs = new Epochs(storage, txnLog.lastZxid());
    this.committedConfig = storedMembership(storage, config.initial());
    if (snapshot != null) {
      // A snapshot holds only committed txns: its state is safe to serve from as soon as a
      // leader confirms the rest.
      listener.restore(snapshot.zxid(), snapshot.state());
      appliedZxid = snapshot.zxid();
      committedZxid = snapshot.zxid();
    }
    log.info(
        "server {}: log ends at zxid {}, accepted epoch {}, current epoch {}, configuration"
            + " version {}",
        config.myId(),
        Zxid.hex(txnLog.lastZxid()),
        epochs.accepted(),
        epochs.current(),
        Long.toHexString(committedConfig.version()));
    lookForLeader();
    flush();
  }

  /** The committed configuration stored by this peer, or {@code initial} if newer or none. */
  private static Membership storedMembership(Storage storage, Membership initial) {
    byte[] stored = storage.readAll(MEMBERSHIP);
    if (stored == null) {
      return initial;
    }
    Membership m;
    try {
      m = Membership.parse(new String(stored, StandardCharsets.UTF_8), 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("unreadable " + MEMBERSHIP + " file: " + e.getMessage(), e);
    }
    return m.version() >= initial.version() ? m : initial;
  }

  /** The committed configuration. */
  public Membership membership() {
    return committedConfig;
  }

  /** The configuration a logged, not yet committed reconfig names; null when there is none. */
  public Membership pendingMembership() {
    Membership next = txnLog.lastReconfig();
    return next != null && next.version() > committedConfig.version() ? next : null;
  }

  Quorums quorums() {
    return new Quorums(committedConfig, pendingMembership());
  }

  /**
   * Leader: whether a reconfiguration to {@code proposed} may be proposed now, as ZooKeeper
   * decides: one at a time, and only when a quorum of the new voters is synced with this leader
   * (else the reconfig, and every write after it, could wait forever).
   */
  public ReconfigCheck checkReconfig(Membership proposed) {
    if (leader == null || !leader.established()) {
      throw new IllegalStateException("server " + config.myId() + " is not an established leader");
    }
    if (pendingMembership() != null) {
      return ReconfigCheck.IN_PROGRESS;
    }
    return proposed.isQuorum(leader.syncedVoters()) ? ReconfigCheck.OK : ReconfigCheck.NO_QUORUM;
  }

  /**
   * Whether the acks of the proposal {@code zxid} commit it: a quorum of the committed
   * configuration, and of the pending one for every proposal from the reconfig's on.
   */
  boolean committable(long zxid, java.util.Set<Integer> acks) {
    Membership next = pendingMembership();
    return committedConfig.isQuorum(acks)
        && (next == null || zxid < next.version() || next.isQuorum(acks));
  }

  /** The learner role this peer plays now, null when it plays none. */
  LearnerRole learnerRole() {
    return learner;
  }

  /**
   * Learner: the leader's configuration, at NEWLEADER. One whose reconfig txn this peer logged and
   * has not applied is the leader's pending one: it comes into force when that txn commits.
   */
  void adoptLeaderMembership(Membership leaders) {
    if (leaders.version() > appliedZxid && txnLog.reconfigAt(leaders.version()) != null) {
      return;
    }
    if (leaders.version() > committedConfig.version()
        || leaders.version() == committedConfig.version()
            && !leaders.sameServers(committedConfig)) {
      commitMembership(leaders, "taken from the leader");
    }
  }

  /**
   * A configuration is committed: stored before anything acts on it, handed to the server, and the
   * roles follow — a leader that is no voter any more steps down, a learner whose role changed
   * (observer, participant) joins again in its new role.
   */
  private void commitMembership(Membership next, String how) {
    committedConfig = next;
    storage.writeAtomically(MEMBERSHIP, next.toString().getBytes(StandardCharsets.UTF_8));
    log.info(
        "server {}: configuration version {} {}: voters {}, observers {}",
        config.myId(),
        Long.toHexString(next.version()),
        how,
        next.voters(),
        next.servers().keySet().stream().filter(next::isObserver).toList());
    listener.membershipChanged(next);
    if (leader != null) {
      if (!quorums().isVoter(config.myId())) {
        leader.stepDown();
      }
    } else if (learner != null
        && quorums().latest().isObserver(config.myId()) != (state == ServerState.OBSERVING)) {
      abandon("its role changed in configuration " + Long.toHexString(next.version()));
    }
  }

  public ServerState state() {
    return state;
  }

  /** The peer as of its last step; safe from any thread. */
  public Status status() {
    return status;
  }

  /** The leader this peer follows or is, -1 while looking. */
  public long leaderId() {
    return state == ServerState.LOOKING ? -1 : currentVote.leader();
  }

  /** The epoch this peer leads, or whose leader it synced with. */
  public long currentEpoch() {
    return epochs.current();
  }

  public long lastLoggedZxid() {
    return txnLog.lastZxid();
  }

  public long committedZxid() {
    return committedZxid;
  }

  public long appliedZxid() {
    return appliedZxid;
  }

  /**
   * Whether this peer serves: an established leader, or a learner the leader said is up to date.
   */
  public boolean serving() {
    return leader != null ? leader.established() : learner != null && learner.upToDate();
  }

  /**
   * A client's request for a write: handed to the leader's {@link Listener#request} (here, or
   * forwarded). Returns false if the peer is not serving; the write then certainly did not happen.
   * Once accepted, its txn is applied on every server when committed — or lost with a leader, which
   * the client sees as a lost connection.
   */
  public boolean submit(byte[] request, List<Id> auth) {
    boolean accepted = serving();
    if (accepted) {
      if (leader != null) {
        listener.request(config.myId(), request, auth);
      } else {
        outbox.send((int) currentVote.leader(), new QuorumMessage.Request(request, auth));
      }
    }
    flush();
    return accepted;
  }

  /**
   * Leader: answers a sync request of server {@code from} (this one included) once every proposal
   * made so far is committed, as ZooKeeper's leader answers a learner's sync with SYNC.
   */
  public void sync(int from) {
    if (leader == null || !leader.established()) {
      throw new IllegalStateException("server " + config.myId() + " is not an established leader");
    }
    leader.sync(from);
  }

  /** Leader: the zxid the next proposal must carry. */
  public long nextZxid() {
    if (leader == null || !leader.established()) {
      throw new IllegalStateException("server " + config.myId() + " is not an established leader");
    }
    return leader.nextZxid();
  }

  /**
   * Leader: proposes a txn prepared by the {@link Listener#request} of a request, with {@link
   * #nextZxid}. Called from within {@code request}, or on the peer's thread while it leads.
   */
  public void propose(Txn txn) {
    if (leader == null || !leader.established()) {
      throw new IllegalStateException("server " + config.myId() + " is not an established leader");
    }
    leader.propose(txn);
  }

  public void receive(int from, QuorumMessage message) {
    if (message instanceof Notification n) {
      onNotification(from, n);
    } else if (message instanceof FollowerInfo info && leader == null) {
      registrations.put(from, info);
    } else if (leader != null) {
      leader.receive(from, message);
    } else if (learner != null && from == currentVote.leader()) {
      learner.receive(message);
    }
    flush();
  }

  public void tick() {
    long now = clock.monotonicMillis();
    if (election != null) {
      FastLeaderElection.Decision decision = election.tick(now);
      if (decision != null) {
        decide(decision.vote());
      }
    } else if (leader != null) {
      leader.tick(now);
    } else if (learner != null) {
      learner.tick(now);
    }
    flush();
  }

  /** The connection to {@code peer} broke: a learner loses its leader, a leader that learner. */
  public void disconnected(int peer) {
    registrations.remove(peer);
    if (leader != null) {
      leader.disconnected(peer);
    } else if (learner != null && peer == currentVote.leader()) {
      abandon("lost the connection to leader " + peer);
    }
    flush();
  }

  private void onNotification(int from, Notification n) {
    if (election == null) {
      if (n.state() == ServerState.LOOKING) {
        // The leader's epoch once this peer serves in it, the decided vote's until then, as
        // ZooKeeper updates its vote only after UPTODATE (a learner) or once established (a
        // leader): servers of both kinds then name the same epoch to a joining server at any time,
        // which counts them as agreeing only when they do.
        Vote v = currentVote;
        Vote now =
            new Vote(
                v.leader(),
                v.zxid(),
                v.electionEpoch(),
                serving() ? epochs.current() : v.peerEpoch());
        outbox.send(from, new Notification(now, state, committedConfig));
      }
      return;
    }
    if (n.config().version() > committedConfig.version()) {
      boolean sameServers = n.config().sameServers(committedConfig);
      commitMembership(n.config(), "learned from server " + from);
      if (!sameServers) {
        // A reconfiguration this peer missed: elect with the ensemble as it is now.
        logicalClock = election.logicalClock();
        lookForLeader();
      }
      // Same servers under a newer version (a ZooKeeper leader numbers the zoo.cfg configuration
      // with its epoch's first zxid): the round goes on, as ZooKeeper's goes on when the received
      // configuration equals its own — restarting it would lose the votes it already counted.
    }
    FastLeaderElection.Decision decision = election.receive(from, n, clock.monotonicMillis());
    if (decision != null) {
      decide(decision.vote());
    }
  }

  private void lookForLeader() {
    state = ServerState.LOOKING;
    leader = null;
    learner = null;
    settleLog();
    election =
        new FastLeaderElection(
            config.myId(),
            quorums(),
            config.finalizeWaitMillis(),
            outbox,
            logicalClock,
            txnLog.lastZxid(),
            epochs.current(),
            clock.monotonicMillis());
  }

  private void decide(Vote vote) {
    logicalClock = election.logicalClock();
    election = null;
    take(vote);
  }

  /**
   * Learner: a committed reconfiguration names {@code designated} to lead the new configuration
   * (ZooKeeper's designated leader, a voter of it that acknowledged the reconfig). As a ZooKeeper
   * server, this peer goes to it without an election — leads, if it is the one named — since the
   * other servers, ZooKeeper's included, go to it straight away and would not answer an election
   * until initLimit ends their wait. Zab still decides: the designated leader needs a quorum to
   * accept its epoch and abandons if a voter is ahead of it.
   */
  void goToDesignatedLeader(long designated) {
    if (!committedConfig.isVoter((int) designated)) {
      abandon("the leader " + designated + " a reconfiguration names is no voter");
      return;
    }
    log.info(
        "server {}: {} -> leader {}, named by configuration {}",
        config.myId(),
        state,
        designated,
        Long.toHexString(committedConfig.version()));
    leader = null;
    learner = null;
    settleLog();
    take(new Vote(designated, txnLog.lastZxid(), logicalClock, epochs.current()));
  }

  private void take(Vote vote) {
    currentVote = vote;
    long now = clock.monotonicMillis();
    if (vote.leader() == config.myId()) {
      state = ServerState.LEADING;
      leader = new LeaderRole(this, now);
      registrations.forEach(leader::receive);
      registrations.clear();
    } else {
      registrations.clear();
      state =
          quorums().latest().isObserver(config.myId())
              ? ServerState.OBSERVING
              : ServerState.FOLLOWING;
      learner = new LearnerRole(this, (int) vote.leader(), now);
    }
    log.info(
        "server {}: {} (leader {}, election round {}, zxid {})",
        config.myId(),
        state,
        vote.leader(),
        vote.electionEpoch(),
        Zxid.hex(vote.zxid()));
  }

  /** Gives up the current role and looks for a leader again. */
  void abandon(String why) {
    log.info("server {}: {} -> LOOKING: {}", config.myId(), state, why);
    lookForLeader();
  }

  /** Everything up to {@code zxid} is committed; applies what is logged and not yet applied. */
  void commitThrough(long zxid) {
    if (zxid > committedZxid) {
      committedZxid = zxid;
    }
    int i = appliedZxid <= txnLog.base() ? 0 : txnLog.indexOf(appliedZxid) + 1;
    for (; i < txnLog.size() && txnLog.get(i).zxid() <= committedZxid; i++) {
      Txn txn = txnLog.get(i);
      listener.apply(txn);
      appliedZxid = txn.zxid();
      sinceSnapshot++;
      Membership next = txnLog.reconfigAt(txn.zxid());
      if (next != null && next.version() > committedConfig.version()) {
        commitMembership(next, "committed");
      }
    }
    if (config.snapCount() > 0 && sinceSnapshot >= config.snapCount() && !snapshotWanted) {
      snapshotWanted = true;
      listener.snapshotWanted(appliedZxid);
    }
  }

  /**
   * The state as of {@code zxid}, asked for by {@link Listener#snapshotWanted}: written as this
   * peer's snapshot, and the log forgets what it holds. Ignored if the history moved on meanwhile
   * (a snapshot from the leader replaced it).
   */
  public void installSnapshot(long zxid, byte[] state) {
    snapshotWanted = false;
    if (zxid > txnLog.base() && zxid <= appliedZxid && txnLog.holds(zxid)) {
      new QuorumSnapshot(zxid, state).write(storage);
      txnLog.rebase(zxid);
      sinceSnapshot = 0;
      log.info("server {}: snapshot at zxid {}", config.myId(), Zxid.hex(zxid));
    }
    flush();
  }

  /** Learner: the leader's snapshot and the txns after it replace this peer's history. */
  void installFromLeader(long zxid, byte[] state, java.util.List<Txn> txns) {
    if (zxid == 0) {
      storage.delete(QuorumSnapshot.FILE);
    } else {
      new QuorumSnapshot(zxid, state).write(storage);
    }
    txnLog.resetTo(zxid);
    for (Txn txn : txns) {
      txnLog.append(txn);
    }
    listener.restore(zxid, state);
    appliedZxid = zxid;
    committedZxid = Math.max(committedZxid, zxid);
    sinceSnapshot = 0;
    log.info(
        "server {}: history replaced by the leader's snapshot at zxid {}",
        config.myId(),
        Zxid.hex(zxid));
  }

  /** Sends, oldest first, what waited for fsyncs that finished; a leader's own acks count. */
  private void releaseDurable() {
    while (!held.isEmpty() && txnLog.durable(held.peekFirst().fsync())) {
      Held h = held.pollFirst();
      if (leader != null) {
        leader.logSynced(h.loggedThrough());
      }
      Outbox.send(h.messages(), transport);
    }
  }

  /**
   * Runs several steps with one fsync and one round of sends at the end (group commit): what the
   * steps logged is synced before anything they decided to send leaves, as for a single step.
   */
  public void batch(Runnable steps) {
    if (batching) {
      steps.run();
      return;
    }
    batching = true;
    try {
      steps.run();
    } finally {
      batching = false;
    }
    flush();
  }

  /**
   * Between roles: what the last one logged is made durable at once and what waited for it leaves
   * (its connections are about to be reset), so the next role starts from a durable log — its
   * votes, its history as a new leader, its epoch acks name only durable txns — with nothing held.
   */
  private void settleLog() {
    txnLog.sync();
    releaseDurable();
  }

  /**
   * Starts the fsync of the step's writes and sends what the step decided to send once the writes
   * it vouches for are durable (at once when the log syncs inline), in order, behind what earlier
   * steps hold.
   */
  private void flush() {
    if (batching) {
      return;
    }
    if (leader != null) {
      // A leader's messages never vouch for its own durability (its own ack counts only once its
      // log is durable), so proposals leave first and followers fsync while it does, as in
      // ZooKeeper.
      outbox.releaseTo(transport);
    }
    long fsync = txnLog.requestSync(this::flush);
    // A learner's forwarded client requests vouch for nothing logged here: they leave at once, as
    // ZooKeeper's follower forwards requests apart from its SyncRequestProcessor.
    List<Outbox.Outgoing> waiting = outbox.hold(transport, m -> m instanceof QuorumMessage.Request);
    if (!waiting.isEmpty() || leader != null) {
      held.add(new Held(fsync, txnLog.lastZxid(), waiting));
    }
    releaseDurable();
    if (leader != null) {
      outbox.releaseTo(transport); // the commits its own acks allowed
    }
    boolean serving = serving();
    status =
        new Status(
            state,
            serving,
            leaderId(),
            epochs.current(),
            txnLog.lastZxid(),
            committedZxid,
            leader == null ? 0 : leader.learnerCount(),
            leader == null ? 0 : leader.syncedFollowerCount());
    if (serving != wasServing) {
      wasServing = serving;
      listener.servingChanged(serving);
    }
  }
}
