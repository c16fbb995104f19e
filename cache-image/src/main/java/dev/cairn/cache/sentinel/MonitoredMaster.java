package dev.cairn.cache.sentinel;

import static dev.cairn.cache.sentinel.SentinelState.ASK_PERIOD;
import static dev.cairn.cache.sentinel.SentinelState.ELECTION_TIMEOUT;
import static dev.cairn.cache.sentinel.SentinelState.FAST_INFO_PERIOD;
import static dev.cairn.cache.sentinel.SentinelState.HELLO_PERIOD;
import static dev.cairn.cache.sentinel.SentinelState.INFO_PERIOD;
import static dev.cairn.cache.sentinel.SentinelState.NEVER;
import static dev.cairn.cache.sentinel.SentinelState.PING_PERIOD;
import static dev.cairn.cache.sentinel.SentinelState.REPLICA_RECONF_TIMEOUT;

import dev.cairn.cache.sentinel.Instance.Kind;
import dev.cairn.cache.sentinel.Instance.Reconf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One master a sentinel monitors under a name, with the replicas and the other sentinels it learnt
 * of, and the failover state machine of Redis's sentinel.c:
 *
 * <pre>
 *   NONE -(ODOWN, or SENTINEL FAILOVER)-> WAIT_START -(elected by a majority and the quorum)->
 *   SELECT_SLAVE -> SEND_SLAVEOF_NOONE -> WAIT_PROMOTION -(the replica's INFO says master)->
 *   RECONF_SLAVES -(every reachable replica follows it, or failover-timeout)-> UPDATE_CONFIG
 *   -> +switch-master, NONE with the new address
 * </pre>
 *
 * Any state before RECONF_SLAVES aborts back to NONE on its timeout; the next attempt waits 2 ×
 * failover-timeout. Other sentinels learn the outcome from the hello messages, which carry the
 * master's address with its config epoch (the failover's epoch): a higher epoch wins.
 *
 * <p>Invariants: this sentinel votes at most once per epoch ({@link #vote}); it becomes leader only
 * with the votes of a majority of the sentinels it knows and at least {@code quorum}; a failover
 * not forced by SENTINEL FAILOVER starts only in ODOWN, which needs {@code quorum} sentinels
 * (itself included) to say the master is down. Pure: no I/O, time comes in as arguments.
 */
final class MonitoredMaster {
  enum FailoverState {
    NONE,
    WAIT_START,
    SELECT_SLAVE,
    SEND_SLAVEOF_NOONE,
    WAIT_PROMOTION,
    RECONF_SLAVES,
    UPDATE_CONFIG
  }

  static final long DEFAULT_DOWN_AFTER = 30_000;
  static final long DEFAULT_FAILOVER_TIMEOUT = 180_000;

  /**
   * How long SELECT_SLAVE waits for the replicas' INFO after the master went down: their offsets
   * must be read after the master stopped sending, or the replica holding the last acknowledged
   * writes might not be the one chosen. Replicas are polled every second then.
   */
  static final long FRESH_OFFSETS_WAIT = 3 * FAST_INFO_PERIOD;

  final String name;
  private final SentinelState sentinel;
  Instance master;
  int quorum;
  long downAfter = DEFAULT_DOWN_AFTER;
  long failoverTimeout = DEFAULT_FAILOVER_TIMEOUT;
  int parallelSyncs = 1;
  String authPass = "";
  String authUser = "";
  final Map<Address, Instance> replicas = new LinkedHashMap<>();

  /** The other sentinels watching this master, by run id. */
  final Map<String, Instance> sentinels = new LinkedHashMap<>();

  long configEpoch;
  String leader;
  long leaderEpoch;

  FailoverState state = FailoverState.NONE;
  boolean forced;
  long failoverEpoch;
  long failoverStartTime = NEVER;

  /**
   * When this sentinel may start a failover of a master in ODOWN: a random delay after ODOWN began,
   * so sentinels that saw it at the same moment do not all ask for votes at once and split them
   * (Redis gets the same effect from randomizing its timer frequency).
   */
  long odownStartAfter = NEVER;

  long stateChangeTime = NEVER;
  Instance promoted;

  MonitoredMaster(SentinelState sentinel, String name, Address address, int quorum, long now) {
    this.sentinel = sentinel;
    this.name = name;
    this.master = new Instance(Kind.MASTER, address, now);
    this.quorum = quorum;
  }

  boolean failingOver() {
    return state != FailoverState.NONE;
  }

  // ---- the timer ----

  void tick(long now) {
    periodic(master, now);
    for (Instance r : replicas.values()) {
      periodic(r, now);
    }
    for (Instance s : sentinels.values()) {
      periodic(s, now);
    }
    if (sentinel.tilt()) {
      return; // Redis's "acting half" waits for TILT to end
    }
    checkSdown(master, now);
    for (Instance r : replicas.values()) {
      checkSdown(r, now);
    }
    for (Instance s : sentinels.values()) {
      checkSdown(s, now);
    }
    checkOdown(now);
    if (startFailoverIfNeeded(now)) {
      askOthers(now, true);
    }
    failoverStep(now);
    askOthers(now, false);
    if (state == FailoverState.UPDATE_CONFIG) {
      switchToPromoted(now);
    }
  }

  /** PING every second, INFO every 10 s (every second around a failover), hello every 2 s. */
  private void periodic(Instance i, long now) {
    if (i.kind != Kind.SENTINEL) {
      long period =
          i.kind == Kind.REPLICA && (master.sdown || failingOver() || i.masterLinkDownMillis != 0)
              ? FAST_INFO_PERIOD
              : INFO_PERIOD;
      if (now - Math.max(i.infoRefresh, i.lastInfoSent) >= period) {
        i.lastInfoSent = now;
        send(i, Request.Kind.INFO);
      }
    }
    long pingPeriod = Math.min(PING_PERIOD, downAfter);
    if (now - i.lastPingSent >= pingPeriod) {
      i.lastPingSent = now;
      if (i.pingPendingSince == NEVER) {
        i.pingPendingSince = now;
      }
      send(i, Request.Kind.PING);
    }
    if (now - i.lastHelloSent >= HELLO_PERIOD) {
      i.lastHelloSent = now;
      Hello h =
          new Hello(
              sentinel.announced(),
              sentinel.myId(),
              sentinel.currentEpoch,
              name,
              currentAddress(),
              configEpoch);
      sentinel.emit(
          new Output.Send(new Request(name, i.address, Request.Kind.HELLO, List.of(h.format()))));
    }
  }

  /**
   * The address hellos announce: the promoted replica's once it said it is master (its config epoch
   * is already the failover's), so no sentinel ever pairs the new epoch with the old address.
   */
  Address currentAddress() {
    boolean promotedAlready =
        state == FailoverState.RECONF_SLAVES || state == FailoverState.UPDATE_CONFIG;
    return promotedAlready && promoted != null ? promoted.address : master.address;
  }

  private void send(Instance i, Request.Kind kind) {
    sentinel.emit(new Output.Send(new Request(name, i.address, kind, List.of())));
  }

  private void sendReplicaOf(Instance i, Address target) {
    List<String> args =
        target == null ? List.of() : List.of(target.host(), Integer.toString(target.port()));
    sentinel.emit(new Output.Send(new Request(name, i.address, Request.Kind.REPLICAOF, args)));
  }

  private void event(String type, String text) {
    sentinel.event(type, text);
  }

  private String describe(Instance i) {
    String text = i.describe(name);
    return i.kind == Kind.MASTER
        ? text
        : text + " @ " + name + " " + master.address.host() + " " + master.address.port();
  }

  // ---- failure detection ----

  private void checkSdown(Instance i, long now) {
    long elapsed = i.pingPendingSince != NEVER ? now - i.pingPendingSince : now - i.lastOkPing;
    boolean down =
        elapsed > downAfter
            // a master that says it is a replica for too long is as good as down
            || (i.kind == Kind.MASTER
                && !i.reportsMaster
                && i.infoRefresh != NEVER
                && now - i.roleReportedTime > downAfter + 2 * INFO_PERIOD);
    if (down && !i.sdown) {
      i.sdown = true;
      i.sdownSince = now;
      event("+sdown", describe(i));
      if (i.kind == Kind.MASTER) {
        // the replicas' offsets are wanted now, read after the master stopped
        for (Instance r : replicas.values()) {
          r.lastInfoSent = NEVER;
        }
      }
    } else if (!down && i.sdown) {
      i.sdown = false;
      event("-sdown", describe(i));
      i.lastInfoSent = NEVER; // back: what is it now (an old master coming back says master)?
    }
  }

  private void checkOdown(long now) {
    int agreeing = 0;
    if (master.sdown) {
      agreeing = 1;
      for (Instance s : sentinels.values()) {
        if (s.saysMasterDown) {
          agreeing++;
        }
      }
    }
    boolean odown = master.sdown && agreeing >= quorum;
    if (odown && !master.odown) {
      master.odown = true;
      master.odownSince = now;
      odownStartAfter = now + sentinel.desync();
      event("+odown", describe(master) + " #quorum " + agreeing + "/" + quorum);
    } else if (!odown && master.odown) {
      master.odown = false;
      event("-odown", describe(master));
    }
  }

  /** Asks the other sentinels whether they see the master down (and, failing over, for a vote). */
  private void askOthers(long now, boolean force) {
    for (Instance s : sentinels.values()) {
      if (now - s.lastDownReply > 5 * ASK_PERIOD) {
        // an old opinion no longer counts
        s.saysMasterDown = false;
        s.leader = null;
      }
      if (!master.sdown) {
        continue;
      }
      if (!force && (now - s.lastDownReply < ASK_PERIOD || now - s.lastAskSent < ASK_PERIOD)) {
        continue;
      }
      s.lastAskSent = now;
      sentinel.emit(
          new Output.Send(
              new Request(
                  name,
                  s.address,
                  Request.Kind.ASK_DOWN,
                  List.of(
                      master.address.host(),
                      Integer.toString(master.address.port()),
                      Long.toString(sentinel.currentEpoch),
                      failingOver() ? sentinel.myId() : "*"))));
    }
  }

  // ---- replies ----

  Instance byAddress(Address a) {
    if (master.address.equals(a)) {
      return master;
    }
    Instance r = replicas.get(a);
    if (r != null) {
      return r;
    }
    for (Instance s : sentinels.values()) {
      if (s.address.equals(a)) {
        return s;
      }
    }
    return null;
  }

  void pingReplied(Instance i, Object reply, long now) {
    i.lastReply = now;
    boolean valid =
        "PONG".equals(reply)
            || reply instanceof ErrorReply(String m)
                && (m.startsWith("LOADING") || m.startsWith("MASTERDOWN"));
    if (valid) {
      i.lastOkPing = now;
      i.pingPendingSince = NEVER;
    }
  }

  void askReplied(Instance s, Object reply, long now) {
    if (!(reply instanceof List<?> l)
        || l.size() != 3
        || !(l.get(0) instanceof Long down)
        || !(l.get(1) instanceof String runId)
        || !(l.get(2) instanceof Long epoch)) {
      return;
    }
    s.lastDownReply = now;
    s.saysMasterDown = down == 1;
    if (!runId.equals("*")) {
      s.leader = runId;
      s.leaderEpoch = epoch;
    }
  }

  void infoReplied(Instance i, InfoReply info, long now) {
    i.infoRefresh = now;
    i.lastReply = now;
    if (info.runId() != null) {
      if (i.runId != null && !i.runId.equals(info.runId())) {
        event("+reboot", describe(i));
      }
      i.runId = info.runId();
    }
    if (i.reportsMaster != info.master()) {
      i.reportsMaster = info.master();
      i.roleReportedTime = now;
    }
    if (i.kind == Kind.MASTER && info.master()) {
      for (Address a : info.replicas()) {
        if (!replicas.containsKey(a) && !a.equals(master.address)) {
          replicas.put(a, new Instance(Kind.REPLICA, a, now));
          event("+slave", describe(replicas.get(a)));
          sentinel.saveConfig();
        }
      }
    }
    if (info.master()) {
      // a replica promoted by a failover that did not finish: what it has is its own offset
      i.offset = info.masterReplOffset();
    } else {
      if (info.masterHost() != null
          && (!info.masterHost().equals(i.masterHost) || info.masterPort() != i.masterPort)) {
        i.masterHost = info.masterHost();
        i.masterPort = info.masterPort();
        i.replicaConfChangeTime = now;
      }
      i.masterLinkUp = info.masterLinkUp();
      i.masterLinkDownMillis = info.masterLinkUp() ? 0 : info.masterLinkDownMillis();
      i.priority = info.priority();
      i.offset = info.replOffset();
      i.announced = info.announced();
    }
    if (i.kind != Kind.REPLICA || sentinel.tilt()) {
      return; // in TILT, as Redis: the view is refreshed, nothing is acted on
    }
    if (info.master()) {
      if (i.promoted && state == FailoverState.WAIT_PROMOTION) {
        configEpoch = failoverEpoch;
        state = FailoverState.RECONF_SLAVES;
        stateChangeTime = now;
        sentinel.saveConfig();
        event("+promoted-slave", describe(i));
        event("+failover-state-reconf-slaves", describe(master));
        helloNow(); // tell the other sentinels at once
      } else if (!i.promoted) {
        // a replica turned master behind our back (or an old master came back): give other
        // sentinels' news time to arrive, then make it follow the master we know
        long wait = 4 * HELLO_PERIOD;
        if (masterLooksSane(now) && i.notDownFor(now, wait) && now - i.roleReportedTime > wait) {
          sendReplicaOf(i, master.address);
          event("+convert-to-slave", describe(i));
          i.roleReportedTime = now; // one conversion per wait, not one per INFO
        }
      }
      return;
    }
    Address following = i.masterHost == null ? null : new Address(i.masterHost, i.masterPort);
    if (!master.address.equals(following) && !failingOver()) {
      long wait = failoverTimeout;
      if (masterLooksSane(now) && i.notDownFor(now, wait) && now - i.replicaConfChangeTime > wait) {
        sendReplicaOf(i, master.address);
        event("+fix-slave-config", describe(i));
        i.replicaConfChangeTime = now;
      }
    }
    if (promoted != null && promoted.address.equals(following)) {
      if (i.reconf == Reconf.SENT) {
        i.reconf = Reconf.IN_PROGRESS;
        event("+slave-reconf-inprog", describe(i));
      }
      if (i.reconf == Reconf.IN_PROGRESS && i.masterLinkUp) {
        i.reconf = Reconf.DONE;
        event("+slave-reconf-done", describe(i));
      }
    }
  }

  private boolean masterLooksSane(long now) {
    return master.reportsMaster
        && !master.sdown
        && !master.odown
        && master.infoRefresh != NEVER
        && now - master.infoRefresh < 2 * INFO_PERIOD;
  }

  private void helloNow() {
    master.lastHelloSent = NEVER;
    replicas.values().forEach(r -> r.lastHelloSent = NEVER);
    sentinels.values().forEach(s -> s.lastHelloSent = NEVER);
  }

  // ---- election ----

  /**
   * This sentinel's vote for the leader of {@code epoch}: the first candidate to ask in an epoch
   * gets it, and it never changes within the epoch. Returns the candidate voted for (maybe an
   * earlier one).
   */
  String vote(long epoch, String candidate, long now) {
    if (epoch > sentinel.currentEpoch) {
      sentinel.currentEpoch = epoch;
      sentinel.saveConfig();
      event("+new-epoch", Long.toString(epoch));
    }
    if (leaderEpoch < epoch && sentinel.currentEpoch <= epoch) {
      leader = candidate;
      leaderEpoch = sentinel.currentEpoch;
      sentinel.saveConfig();
      event("+vote-for-leader", candidate + " " + leaderEpoch);
      if (!candidate.equals(sentinel.myId())) {
        // another sentinel is trying: do not start a competing failover soon
        failoverStartTime = now + sentinel.desync();
      }
    }
    return leader;
  }

  /** The leader of {@code epoch}, if a majority of the known sentinels and the quorum agree. */
  private String electedLeader(long epoch, long now) {
    Map<String, Integer> votes = new TreeMap<>();
    for (Instance s : sentinels.values()) {
      if (s.leader != null && s.leaderEpoch == epoch) {
        votes.merge(s.leader, 1, Integer::sum);
      }
    }
    String winner = winner(votes);
    String mine = vote(epoch, winner != null ? winner : sentinel.myId(), now);
    if (mine != null && leaderEpoch == epoch) {
      votes.merge(mine, 1, Integer::sum);
    }
    winner = winner(votes);
    int voters = sentinels.size() + 1;
    if (winner == null) {
      return null;
    }
    int n = votes.get(winner);
    return n >= voters / 2 + 1 && n >= quorum ? winner : null;
  }

  private static String winner(Map<String, Integer> votes) {
    String winner = null;
    int max = 0;
    for (var e : votes.entrySet()) {
      if (e.getValue() > max) {
        max = e.getValue();
        winner = e.getKey();
      }
    }
    return winner;
  }

  // ---- failover ----

  private boolean startFailoverIfNeeded(long now) {
    if (!master.odown || failingOver() || now < odownStartAfter) {
      return false;
    }
    if (now - failoverStartTime < 2 * failoverTimeout) {
      return false;
    }
    startFailover(now, false);
    return true;
  }

  private void startFailover(long now, boolean force) {
    state = FailoverState.WAIT_START;
    forced = force;
    failoverEpoch = ++sentinel.currentEpoch;
    sentinel.saveConfig();
    event("+new-epoch", Long.toString(failoverEpoch));
    event("+try-failover", describe(master));
    failoverStartTime = now + sentinel.desync();
    stateChangeTime = now;
  }

  /** SENTINEL FAILOVER: no agreement asked for; null or the reason it cannot start. */
  String forceFailover(long now) {
    if (failingOver()) {
      return "INPROG Failover already in progress";
    }
    if (candidates(now).isEmpty()) {
      return "NOGOODSLAVE No suitable replica to promote";
    }
    startFailover(now, true);
    return null;
  }

  private void failoverStep(long now) {
    switch (state) {
      case WAIT_START -> waitStart(now);
      case SELECT_SLAVE -> selectReplica(now);
      case SEND_SLAVEOF_NOONE -> sendNoOne(now);
      case WAIT_PROMOTION -> {
        if (now - stateChangeTime > failoverTimeout) {
          abort("-failover-abort-slave-timeout", now);
        }
      }
      case RECONF_SLAVES -> reconfigureNext(now);
      default -> {}
    }
  }

  private void waitStart(long now) {
    String elected = electedLeader(failoverEpoch, now);
    if (!sentinel.myId().equals(elected) && !forced) {
      if (now - failoverStartTime > Math.min(ELECTION_TIMEOUT, failoverTimeout)) {
        abort("-failover-abort-not-elected", now);
      }
      return;
    }
    event("+elected-leader", describe(master));
    state = FailoverState.SELECT_SLAVE;
    stateChangeTime = now;
    event("+failover-state-select-slave", describe(master));
    selectReplica(now);
  }

  /**
   * Replicas that may be promoted, best first — one that already says master (promoted by a
   * failover whose leader died) included, as in Redis: reachable, not down, priority not 0, INFO
   * fresh — read after the master went down when it is down — and not cut off from the master for
   * much longer than the master has been down; ordered by priority (lower first), replication
   * offset (higher first), then run id.
   */
  List<Instance> candidates(long now) {
    long maxLinkDown = (master.sdown ? now - master.sdownSince : 0) + downAfter * 10;
    long validity = master.sdown ? 5 * PING_PERIOD : 3 * INFO_PERIOD;
    List<Instance> out = new ArrayList<>();
    for (Instance r : replicas.values()) {
      if (r.sdown
          || r.odown
          || !r.available(now, 5 * PING_PERIOD)
          || r.priority == 0
          || r.infoRefresh == NEVER
          || now - r.infoRefresh > validity
          || (master.sdown && r.infoRefresh < master.sdownSince)
          || r.masterLinkDownMillis > maxLinkDown) {
        continue;
      }
      out.add(r);
    }
    out.sort(
        Comparator.comparingInt((Instance r) -> r.priority)
            .thenComparing(Comparator.comparingLong((Instance r) -> r.offset).reversed())
            .thenComparing(r -> r.runId == null ? "\uffff" : r.runId, Comparator.naturalOrder()));
    return out;
  }

  /** Replicas that would be candidates once their INFO is read after the master went down. */
  private boolean offsetsPending(long now) {
    if (!master.sdown) {
      return false;
    }
    for (Instance r : replicas.values()) {
      if (!r.sdown && r.available(now, 5 * PING_PERIOD) && r.infoRefresh < master.sdownSince) {
        return true;
      }
    }
    return false;
  }

  private void selectReplica(long now) {
    List<Instance> best = candidates(now);
    if (offsetsPending(now) && now - stateChangeTime < FRESH_OFFSETS_WAIT) {
      return;
    }
    if (best.isEmpty()) {
      abort("-failover-abort-no-good-slave", now);
      return;
    }
    promoted = best.get(0);
    promoted.promoted = true;
    event("+selected-slave", describe(promoted));
    state = FailoverState.SEND_SLAVEOF_NOONE;
    stateChangeTime = now;
    event("+failover-state-send-slaveof-noone", describe(promoted));
    sendNoOne(now);
  }

  private void sendNoOne(long now) {
    if (!promoted.available(now, 5 * PING_PERIOD)) {
      if (now - stateChangeTime > failoverTimeout) {
        abort("-failover-abort-slave-timeout", now);
      }
      return;
    }
    sendReplicaOf(promoted, null);
    event("+failover-state-wait-promotion", describe(promoted));
    state = FailoverState.WAIT_PROMOTION;
    stateChangeTime = now;
  }

  private void reconfigureNext(long now) {
    int inProgress = 0;
    for (Instance r : replicas.values()) {
      if (r.reconf == Reconf.SENT || r.reconf == Reconf.IN_PROGRESS) {
        inProgress++;
      }
    }
    for (Instance r : replicas.values()) {
      if (inProgress >= parallelSyncs) {
        break;
      }
      if (r == promoted || r.reconf == Reconf.DONE) {
        continue;
      }
      if (r.reconf == Reconf.SENT && now - r.reconfSentTime > REPLICA_RECONF_TIMEOUT) {
        event("-slave-reconf-sent-timeout", describe(r));
        r.reconf = Reconf.DONE;
        continue;
      }
      if (r.reconf != Reconf.NONE || !r.available(now, 5 * PING_PERIOD)) {
        continue;
      }
      sendReplicaOf(r, promoted.address);
      r.reconf = Reconf.SENT;
      r.reconfSentTime = now;
      event("+slave-reconf-sent", describe(r));
      inProgress++;
    }
    detectEnd(now);
  }

  private void detectEnd(long now) {
    if (promoted == null || promoted.sdown) {
      return;
    }
    int notReconfigured = 0;
    for (Instance r : replicas.values()) {
      if (r != promoted && r.reconf != Reconf.DONE && !r.sdown) {
        notReconfigured++;
      }
    }
    boolean timeout = now - stateChangeTime > failoverTimeout;
    if (timeout) {
      event("-failover-end-for-timeout", describe(master));
      for (Instance r : replicas.values()) {
        if (r != promoted && r.reconf != Reconf.DONE && r.reconf != Reconf.SENT) {
          sendReplicaOf(r, promoted.address);
          r.reconf = Reconf.SENT;
        }
      }
    }
    if (notReconfigured == 0 || timeout) {
      event("+failover-end", describe(master));
      state = FailoverState.UPDATE_CONFIG;
      stateChangeTime = now;
    }
  }

  private void abort(String why, long now) {
    event(why, describe(master));
    state = FailoverState.NONE;
    forced = false;
    stateChangeTime = now;
    if (promoted != null) {
      promoted.promoted = false;
      promoted = null;
    }
  }

  private void switchToPromoted(long now) {
    Address old = master.address;
    Address neu = promoted.address;
    event("+switch-master", switchText(old, neu));
    changeAddress(neu, now);
  }

  String switchText(Address old, Address neu) {
    return name + " " + old.host() + " " + old.port() + " " + neu.host() + " " + neu.port();
  }

  /**
   * The master is now at {@code address}: the old master and every other replica become its
   * replicas (to be reconfigured if they do not follow it), the failover state is reset. The
   * sentinels stay known; their opinions and this sentinel's vote epoch stay as they were.
   */
  void changeAddress(Address address, long now) {
    List<Address> others = new ArrayList<>();
    for (Address a : replicas.keySet()) {
      if (!a.equals(address)) {
        others.add(a);
      }
    }
    if (!master.address.equals(address)) {
      others.add(master.address);
    }
    master = new Instance(Kind.MASTER, address, now);
    replicas.clear();
    for (Address a : others) {
      replicas.put(a, new Instance(Kind.REPLICA, a, now));
    }
    state = FailoverState.NONE;
    forced = false;
    promoted = null;
    for (Instance s : sentinels.values()) {
      s.saysMasterDown = false;
      s.leader = null;
    }
    sentinel.saveConfig();
  }

  /**
   * SENTINEL RESET, as Redis's sentinelResetMaster: forgets replicas and sentinels and any
   * failover, and may fail over again at once (no failover start time, no leader); the master's
   * settings and the epochs stay. Replicas and sentinels are found again from INFO and hellos.
   */
  void reset(long now) {
    Address address = master.address;
    master = new Instance(Kind.MASTER, address, now);
    replicas.clear();
    sentinels.clear();
    state = FailoverState.NONE;
    stateChangeTime = NEVER;
    failoverStartTime = NEVER;
    odownStartAfter = NEVER;
    leader = null;
    forced = false;
    promoted = null;
    event("+reset-master", describe(master));
    sentinel.saveConfig();
  }

  /** A hello from another sentinel about this master. */
  void hello(Hello h, long now) {
    Instance s = sentinels.get(h.runId());
    if (s == null) {
      // a sentinel restarted with a new id at the same address replaces its old self
      sentinels.values().removeIf(old -> old.address.equals(h.sentinel()));
      s = new Instance(Kind.SENTINEL, h.sentinel(), now);
      s.runId = h.runId();
      sentinels.put(h.runId(), s);
      event("+sentinel", describe(s));
      sentinel.saveConfig();
    } else if (!s.address.equals(h.sentinel())) {
      s.address = h.sentinel();
      event("+sentinel-address-switch", describe(s));
      sentinel.saveConfig();
    }
    s.lastHello = now;
    if (configEpoch < h.configEpoch()) {
      configEpoch = h.configEpoch();
      if (!master.address.equals(h.masterAddress())) {
        event("+config-update-from", describe(s));
        event("+switch-master", switchText(master.address, h.masterAddress()));
        changeAddress(h.masterAddress(), now);
      }
      sentinel.saveConfig();
    }
  }

  /** Sentinels usable for an election and whether quorum and majority can be reached. */
  String ckquorum() {
    int usable = 1;
    for (Instance s : sentinels.values()) {
      if (!s.sdown) {
        usable++;
      }
    }
    int voters = sentinels.size() + 1;
    if (usable < quorum) {
      return "NOQUORUM "
          + usable
          + " usable Sentinels. Not enough available Sentinels to reach the specified quorum for"
          + " this master";
    }
    if (usable < voters / 2 + 1) {
      return "NOQUORUM "
          + usable
          + " usable Sentinels. Not enough available Sentinels to reach the majority and"
          + " authorize a failover";
    }
    return null;
  }
}
