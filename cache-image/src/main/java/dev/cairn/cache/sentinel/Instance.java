package dev.cairn.cache.sentinel;

/**
 * What one sentinel knows of one instance it watches — the master, a replica of it, or another
 * sentinel watching it — as Redis's sentinelRedisInstance: liveness from PING, the role and
 * replication state from INFO, the failover flags, and for a sentinel its last vote. Mutable, owned
 * by {@link MonitoredMaster}; no I/O.
 */
final class Instance {
  enum Kind {
    MASTER,
    REPLICA,
    SENTINEL
  }

  /** Where a replica is in its reconfiguration after a failover. */
  enum Reconf {
    NONE,
    SENT,
    IN_PROGRESS,
    DONE
  }

  final Kind kind;
  Address address;
  String runId;

  // liveness (PING); times are the sentinel's monotonic milliseconds, NEVER when not yet
  long lastPingSent = SentinelState.NEVER;

  /** When the oldest unanswered PING was sent; NEVER when none is pending. */
  long pingPendingSince = SentinelState.NEVER;

  /** The last valid PING reply (+PONG, -LOADING, -MASTERDOWN): what SDOWN is measured from. */
  long lastOkPing;

  /** The last reply of any kind. */
  long lastReply;

  // INFO
  long lastInfoSent = SentinelState.NEVER;

  /** When the last INFO reply was read. */
  long infoRefresh = SentinelState.NEVER;

  boolean reportsMaster;
  long roleReportedTime;

  // a replica's view of replication
  String masterHost;
  int masterPort;
  boolean masterLinkUp;
  long masterLinkDownMillis;
  int priority = 100;
  long offset;
  boolean announced = true;
  long replicaConfChangeTime;

  // flags
  boolean sdown;
  long sdownSince = SentinelState.NEVER;
  boolean odown;
  long odownSince = SentinelState.NEVER;
  boolean promoted;
  Reconf reconf = Reconf.NONE;
  long reconfSentTime = SentinelState.NEVER;

  // another sentinel: its opinion of the master, its vote, its hellos
  boolean saysMasterDown;
  long lastDownReply = SentinelState.NEVER;
  long lastAskSent = SentinelState.NEVER;
  String leader;
  long leaderEpoch;
  long lastHello = SentinelState.NEVER;
  long lastHelloSent = SentinelState.NEVER;

  Instance(Kind kind, Address address, long now) {
    this.kind = kind;
    this.address = address;
    // as Redis: a new instance counts as just seen, so it is not down before it was ever pinged
    this.lastOkPing = now;
    this.lastReply = now;
    this.roleReportedTime = now;
    this.replicaConfChangeTime = now;
    this.reportsMaster = kind == Kind.MASTER;
  }

  /** An instance whose last valid reply is recent: a candidate to talk to. */
  boolean available(long now, long window) {
    return now - lastOkPing <= window;
  }

  /** Not down now, and no SDOWN began in the last {@code millis} (Redis's NoDownFor). */
  boolean notDownFor(long now, long millis) {
    return !sdown && now - Math.max(sdownSince, odownSince) > millis;
  }

  /** Redis's %@ for events: {@code <kind> <name> <ip> <port>}. */
  String describe(String name) {
    return switch (kind) {
      case MASTER -> "master " + name + " " + address.host() + " " + address.port();
      case REPLICA -> "slave " + address + " " + address.host() + " " + address.port();
      case SENTINEL -> "sentinel " + runId + " " + address.host() + " " + address.port();
    };
  }

  /** SENTINEL MASTERS / REPLICAS' flags field. */
  String flags(boolean failingOver, boolean forced) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        switch (kind) {
          case MASTER -> "master";
          case REPLICA -> "slave";
          case SENTINEL -> "sentinel";
        });
    if (sdown) {
      sb.append(",s_down");
    }
    if (odown) {
      sb.append(",o_down");
    }
    if (kind == Kind.SENTINEL && saysMasterDown) {
      sb.append(",master_down");
    }
    if (failingOver) {
      sb.append(",failover_in_progress");
    }
    if (forced) {
      sb.append(",force_failover");
    }
    if (promoted) {
      sb.append(",promoted");
    }
    switch (reconf) {
      case SENT -> sb.append(",reconf_sent");
      case IN_PROGRESS -> sb.append(",reconf_inprog");
      case DONE -> sb.append(",reconf_done");
      default -> {}
    }
    return sb.toString();
  }
}
