package dev.cairn.cache.sentinel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The logic of a Redis sentinel, without I/O: failure detection (SDOWN, ODOWN), discovery of
 * replicas (the master's INFO) and of other sentinels (hello messages), leader election by epoch,
 * and the failover of each monitored master ({@link MonitoredMaster}).
 *
 * <p>Inputs: {@link #tick} every 100 ms with the monotonic and the wall time, {@link #replied} with
 * the replies to what it asked for, {@link #hello} with messages read on {@code
 * __sentinel__:hello}, and the SENTINEL commands (monitor, remove, set, failover, reset,
 * is-master-down-by-addr). Outputs, taken with {@link #drain} after each input in order: commands
 * to send, events to publish, and whether the config file must be rewritten — in that order of
 * appearance; a driver sends them and publishes events as they come, and rewrites the file before
 * answering the client whose command changed it.
 *
 * <p>Replies are Java values: a simple or bulk string as {@link String}, an integer as {@link
 * Long}, an array as {@link List}, an error as {@link ErrorReply}, a null as null. Time is whatever
 * monotonic clock the driver reads (a {@code Clock}), never the system's, so the simulator can run
 * it. Single-threaded.
 */
public final class SentinelState {
  /** A time before any other: "never happened", immune to overflow in {@code now - t}. */
  static final long NEVER = Long.MIN_VALUE / 4;

  // The periods of Redis 7.0's sentinel.c, for the same behaviour under the same settings.
  static final long PING_PERIOD = 1000;
  static final long INFO_PERIOD = 10_000;
  static final long FAST_INFO_PERIOD = 1000;
  static final long HELLO_PERIOD = 2000;
  static final long ASK_PERIOD = 1000;

  /** Random delay added to the start of a failover so sentinels do not all run at once. */
  static final long MAX_DESYNC = 1000;

  static final long ELECTION_TIMEOUT = 10_000;
  static final long REPLICA_RECONF_TIMEOUT = 10_000;

  /** Redis's SENTINEL_TILT_TRIGGER and SENTINEL_TILT_PERIOD. */
  static final long TILT_TRIGGER = 2000;

  static final long TILT_PERIOD = 30 * PING_PERIOD;

  private final String myId;
  private Address announced;
  private final RandomGenerator random;
  long currentEpoch;
  private final Map<String, MonitoredMaster> masters = new LinkedHashMap<>();
  private final List<Output> outputs = new ArrayList<>();
  private boolean saveQueued;

  // TILT: the times of the previous tick, and since when (monotonic) the sentinel is in TILT
  private long previousTick = NEVER;
  private long previousWall;
  private boolean tilt;
  private long tiltSince = NEVER;

  /**
   * @param myId this sentinel's 40-character run id, kept across restarts (sentinel myid)
   * @param announced the address other sentinels reach this one at, sent in hello messages
   */
  public SentinelState(String myId, Address announced, long currentEpoch, RandomGenerator random) {
    if (myId == null || myId.length() != 40) {
      throw new IllegalArgumentException("a sentinel id has 40 characters: " + myId);
    }
    this.myId = myId;
    this.announced = announced;
    this.currentEpoch = currentEpoch;
    this.random = random;
  }

  public String myId() {
    return myId;
  }

  public long currentEpoch() {
    return currentEpoch;
  }

  Address announced() {
    return announced;
  }

  public void announce(Address address) {
    this.announced = address;
  }

  /** Outputs produced since the last call, in order. */
  public List<Output> drain() {
    List<Output> out = List.copyOf(outputs);
    outputs.clear();
    saveQueued = false;
    return out;
  }

  void emit(Output o) {
    outputs.add(o);
  }

  void event(String type, String text) {
    outputs.add(new Output.Event(type, text));
  }

  void saveConfig() {
    if (!saveQueued) {
      saveQueued = true;
      outputs.add(new Output.SaveConfig());
    }
  }

  long desync() {
    return random.nextLong(MAX_DESYNC);
  }

  // ---- inputs ----

  /**
   * The timer, every 100 ms: {@code now} the monotonic time every other input uses, {@code wall}
   * the wall clock (milliseconds since the epoch), read only to notice it jump.
   */
  public void tick(long now, long wall) {
    checkTilt(now, wall);
    if (tilt && now - tiltSince >= TILT_PERIOD) {
      tilt = false;
      event("-tilt", "#tilt mode exited");
    }
    for (MonitoredMaster m : List.copyOf(masters.values())) {
      m.tick(now);
    }
  }

  /**
   * Redis's sentinelCheckTiltCondition: two timer runs more than 2 s apart, or the clock going
   * back, mean this sentinel's view is stale (the process was stopped, the machine was starved or
   * its clock was set): everything looks down because nothing was read. For 30 s (from the last
   * such jump) it keeps monitoring but acts on nothing — no SDOWN, ODOWN or failover, and "not
   * down" to other sentinels — until fresh replies rebuild its view. The monotonic time catches a
   * stall, the wall clock a jump of the date, as Redis (which has only the wall clock) sees both.
   */
  private void checkTilt(long now, long wall) {
    if (previousTick != NEVER) {
      long delta = now - previousTick;
      long wallDelta = wall - previousWall;
      if (delta < 0 || delta > TILT_TRIGGER || wallDelta < 0 || wallDelta > TILT_TRIGGER) {
        if (!tilt) {
          event("+tilt", "#tilt mode entered");
        }
        tilt = true;
        tiltSince = now;
      }
    }
    previousTick = now;
    previousWall = wall;
  }

  /** In TILT mode: watching, not acting. */
  public boolean tilt() {
    return tilt;
  }

  /** INFO's sentinel_tilt_since_seconds: whole seconds in TILT, -1 when not in it. */
  public long tiltSeconds(long now) {
    return tilt ? (now - tiltSince) / 1000 : -1;
  }

  /** The reply to {@code request} (see the class doc for how replies are represented). */
  public void replied(Request request, Object reply, long now) {
    MonitoredMaster m = masters.get(request.master());
    if (m == null) {
      return; // removed meanwhile
    }
    Instance i = m.byAddress(request.to());
    if (i == null) {
      return; // forgotten meanwhile (a switch, a reset)
    }
    switch (request.kind()) {
      case PING -> m.pingReplied(i, reply, now);
      case INFO -> {
        if (reply instanceof String text && i.kind != Instance.Kind.SENTINEL) {
          m.infoReplied(i, InfoReply.parse(text), now);
        }
      }
      case ASK_DOWN -> {
        if (i.kind == Instance.Kind.SENTINEL) {
          m.askReplied(i, reply, now);
        }
      }
      case HELLO, REPLICAOF -> i.lastReply = now;
    }
  }

  /** A message on {@code __sentinel__:hello}, or a hello another sentinel PUBLISHed to us. */
  public void hello(String message, long now) {
    Hello h = Hello.parse(message);
    if (h == null || h.runId().equals(myId)) {
      return;
    }
    if (h.currentEpoch() > currentEpoch) {
      currentEpoch = h.currentEpoch();
      saveConfig();
      event("+new-epoch", Long.toString(currentEpoch));
    }
    MonitoredMaster m = masters.get(h.master());
    if (m != null) {
      m.hello(h, now);
    }
  }

  /** SENTINEL IS-MASTER-DOWN-BY-ADDR's reply: [down, leader run id or *, leader epoch]. */
  public record Vote(boolean down, String leader, long leaderEpoch) {}

  public Vote isMasterDownByAddr(Address master, long epoch, String runId, long now) {
    MonitoredMaster m = null;
    for (MonitoredMaster candidate : masters.values()) {
      if (candidate.master.address.equals(master)) {
        m = candidate;
        break;
      }
    }
    boolean down = !tilt && m != null && m.master.sdown;
    String leader = null;
    if (m != null && !runId.equals("*")) {
      leader = m.vote(epoch, runId, now);
    }
    return new Vote(down, leader == null ? "*" : leader, leader == null ? 0 : m.leaderEpoch);
  }

  // ---- configuration (SENTINEL MONITOR / REMOVE / SET / RESET / FAILOVER, the config file) ----

  /** Thrown with the error reply's text when a SENTINEL command cannot be done. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  public void monitor(String name, Address address, int quorum, long now) {
    if (masters.containsKey(name)) {
      throw new Refused("ERR Duplicated master name");
    }
    if (quorum <= 0) {
      throw new Refused("ERR Quorum must be 1 or greater.");
    }
    if (name.contains(" ") || name.isEmpty()) {
      throw new Refused("ERR Invalid master name");
    }
    masters.put(name, new MonitoredMaster(this, name, address, quorum, now));
    event(
        "+monitor",
        "master " + name + " " + address.host() + " " + address.port() + " quorum " + quorum);
    saveConfig();
  }

  public void remove(String name) {
    MonitoredMaster m = master(name);
    masters.remove(name);
    event(
        "-monitor",
        "master " + name + " " + m.master.address.host() + " " + m.master.address.port());
    saveConfig();
  }

  /** SENTINEL SET name option value (the options sentinel.conf has per master). */
  public void set(String name, String option, String value) {
    MonitoredMaster m = master(name);
    try {
      switch (option.toLowerCase(java.util.Locale.ROOT)) {
        case "down-after-milliseconds" -> m.downAfter = positive(Long.parseLong(value));
        case "failover-timeout" -> m.failoverTimeout = positive(Long.parseLong(value));
        case "parallel-syncs" -> m.parallelSyncs = (int) positive(Integer.parseInt(value));
        case "quorum" -> m.quorum = (int) positive(Integer.parseInt(value));
        case "auth-pass" -> {
          m.authPass = value;
          reconnect(m);
        }
        case "auth-user" -> {
          m.authUser = value;
          reconnect(m);
        }
        case "config-epoch" -> m.configEpoch = Long.parseLong(value);
        case "leader-epoch" -> m.leaderEpoch = Long.parseLong(value);
        default -> throw new Refused("ERR Invalid argument '" + option + "' to SENTINEL SET");
      }
    } catch (NumberFormatException e) {
      throw new Refused("ERR Invalid argument '" + value + "' for SENTINEL SET '" + option + "'");
    }
    saveConfig();
  }

  private void reconnect(MonitoredMaster m) {
    List<Address> servers = new ArrayList<>(m.replicas.keySet());
    servers.add(m.master.address);
    emit(new Output.Reconnect(servers));
  }

  private static long positive(long v) {
    if (v <= 0) {
      throw new NumberFormatException();
    }
    return v;
  }

  /** A replica remembered in the config file (sentinel known-replica). */
  public void knownReplica(String name, Address a, long now) {
    MonitoredMaster m = master(name);
    if (!a.equals(m.master.address)) {
      m.replicas.putIfAbsent(a, new Instance(Instance.Kind.REPLICA, a, now));
    }
  }

  /** A sentinel remembered in the config file (sentinel known-sentinel). */
  public void knownSentinel(String name, Address a, String runId, long now) {
    MonitoredMaster m = master(name);
    if (!runId.equals(myId)) {
      Instance s = new Instance(Instance.Kind.SENTINEL, a, now);
      s.runId = runId;
      m.sentinels.putIfAbsent(runId, s);
    }
  }

  /** SENTINEL FAILOVER: promotes the best replica without asking the others. */
  public void failover(String name, long now) {
    String refused = master(name).forceFailover(now);
    if (refused != null) {
      throw new Refused(refused);
    }
  }

  /** SENTINEL RESET pattern: the number of masters reset. */
  public int reset(java.util.function.Predicate<String> pattern, long now) {
    int n = 0;
    for (MonitoredMaster m : masters.values()) {
      if (pattern.test(m.name)) {
        m.reset(now);
        n++;
      }
    }
    return n;
  }

  /** SENTINEL CKQUORUM: null when a failover could be authorized, else the -NOQUORUM text. */
  public String ckquorum(String name) {
    return master(name).ckquorum();
  }

  MonitoredMaster master(String name) {
    MonitoredMaster m = masters.get(name);
    if (m == null) {
      throw new Refused("ERR No such master with that name");
    }
    return m;
  }

  MonitoredMaster masterOrNull(String name) {
    return masters.get(name);
  }

  Collection<MonitoredMaster> masters() {
    return masters.values();
  }

  /** The master's address as this sentinel knows it now (GET-MASTER-ADDR-BY-NAME), or null. */
  public Address masterAddress(String name) {
    MonitoredMaster m = masters.get(name);
    return m == null ? null : m.master.address;
  }

  /** The sentinel lines of the config file, as Redis's rewriteConfigSentinelOption writes them. */
  public List<String> configLines() {
    List<String> out = new ArrayList<>();
    out.add("sentinel myid " + myId);
    for (MonitoredMaster m : masters.values()) {
      // Once the promoted replica said master its address goes with the new config epoch, as in
      // Redis: a sentinel restarted before its switch must not pair that epoch with the old
      // address, or the others' hellos (same epoch, new address) would never correct it.
      Address a = m.currentAddress();
      out.add("sentinel monitor " + m.name + " " + a.host() + " " + a.port() + " " + m.quorum);
      if (m.downAfter != MonitoredMaster.DEFAULT_DOWN_AFTER) {
        out.add("sentinel down-after-milliseconds " + m.name + " " + m.downAfter);
      }
      if (m.failoverTimeout != MonitoredMaster.DEFAULT_FAILOVER_TIMEOUT) {
        out.add("sentinel failover-timeout " + m.name + " " + m.failoverTimeout);
      }
      if (m.parallelSyncs != 1) {
        out.add("sentinel parallel-syncs " + m.name + " " + m.parallelSyncs);
      }
      if (!m.authPass.isEmpty()) {
        out.add("sentinel auth-pass " + m.name + " " + m.authPass);
      }
      if (!m.authUser.isEmpty()) {
        out.add("sentinel auth-user " + m.name + " " + m.authUser);
      }
      out.add("sentinel config-epoch " + m.name + " " + m.configEpoch);
      out.add("sentinel leader-epoch " + m.name + " " + m.leaderEpoch);
      List<Address> replicas = new ArrayList<>(m.replicas.keySet());
      if (!a.equals(m.master.address)) {
        replicas.remove(a);
        replicas.add(m.master.address);
      }
      for (Address r : replicas) {
        out.add("sentinel known-replica " + m.name + " " + r.host() + " " + r.port());
      }
      for (Instance s : m.sentinels.values()) {
        out.add(
            "sentinel known-sentinel "
                + m.name
                + " "
                + s.address.host()
                + " "
                + s.address.port()
                + " "
                + s.runId);
      }
    }
    out.add("sentinel current-epoch " + currentEpoch);
    return out;
  }
}
