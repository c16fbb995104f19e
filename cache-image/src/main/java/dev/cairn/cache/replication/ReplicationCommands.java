package dev.cairn.cache.replication;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;

/** PSYNC, SYNC, REPLCONF, REPLICAOF / SLAVEOF, WAIT and ROLE, with Redis 7.0's replies. */
public final class ReplicationCommands {
  private ReplicationCommands() {}

  public static void psync(Client c, byte[][] a) {
    Long from = Args.tryLong(a[2]);
    if (from == null) {
      throw new CommandError("ERR value is not an integer or out of range");
    }
    Replication r = c.server.replication;
    r.psync(c, Args.str(a[1]), from, r.announced(c));
  }

  public static void sync(Client c, byte[][] a) {
    Replication r = c.server.replication;
    r.psync(c, null, -1, r.announced(c));
  }

  public static void replconf(Client c, byte[][] a) {
    if (a.length % 2 == 0) {
      throw new CommandError("ERR syntax error");
    }
    Replication r = c.server.replication;
    Replication.Announced told = r.announced(c);
    for (int i = 1; i < a.length; i += 2) {
      String option = Args.lower(a[i]);
      switch (option) {
        case "listening-port" -> told = told.withPort(Args.toInt(a[i + 1]));
        case "capa" -> told = told.withCapa(Args.lower(a[i + 1]));
        case "ack" -> {
          Long offset = Args.tryLong(a[i + 1]);
          if (offset != null) {
            r.ack(c, offset);
          }
          return; // never answered
        }
        case "getack" -> {
          return; // a replica answers its primary's GETACK on the link, not here
        }
        case "ip-address", "rdb-only", "rdb-filter-only" -> {
          // accepted: the address is taken from the connection, and the whole dataset is sent
        }
        default -> throw new CommandError("ERR Unrecognized REPLCONF option: " + Args.str(a[i]));
      }
    }
    r.announce(c, told);
    c.reply.ok();
  }

  /**
   * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: the arguments and refusals of Redis 7.0's
   * failoverCommand. Cairn has no coordinated failover (pausing writes until a replica catches up,
   * then PSYNC FAILOVER): with replicas connected it says so instead of pretending.
   */
  public static void failover(Client c, byte[][] a) {
    if (a.length == 2 && Args.is(a[1], "abort")) {
      throw new CommandError("ERR No failover in progress.");
    }
    long timeout = 0;
    boolean force = false;
    boolean to = false;
    for (int j = 1; j < a.length; j++) {
      if (Args.is(a[j], "timeout") && j + 1 < a.length && timeout == 0) {
        timeout = Args.toLong(a[j + 1]);
        if (timeout <= 0) {
          throw new CommandError("ERR FAILOVER timeout must be greater than 0");
        }
        j++;
      } else if (Args.is(a[j], "to") && j + 2 < a.length && !to) {
        Args.toLong(a[j + 2]);
        to = true;
        j += 2;
      } else if (Args.is(a[j], "force") && !force) {
        force = true;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Replication r = c.server.replication;
    if (r.isReplica()) {
      throw new CommandError("ERR FAILOVER is not valid when server is a replica.");
    }
    if (r.connectedReplicas() == 0) {
      throw new CommandError("ERR FAILOVER requires connected replicas.");
    }
    if (force && (timeout == 0 || !to)) {
      throw new CommandError(
          "ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
    }
    throw new CommandError(
        "ERR FAILOVER is not supported by Cairn: use the sentinels' SENTINEL FAILOVER");
  }

  public static void replicaof(Client c, byte[][] a) {
    Replication r = c.server.replication;
    if (Args.is(a[1], "no") && Args.is(a[2], "one")) {
      r.promote();
      c.reply.ok();
      return;
    }
    Long port = Args.tryLong(a[2]);
    if (port == null || port < 0 || port > 65535) {
      throw new CommandError("ERR Invalid master port");
    }
    String host = Args.str(a[1]);
    MasterLink m = r.master();
    if (m != null && m.host.equalsIgnoreCase(host) && m.port == port) {
      c.reply.simple("OK Already connected to specified master");
      return;
    }
    r.follow(host, port.intValue());
    c.reply.ok();
  }

  public static void waitCommand(Client c, byte[][] a) {
    long replicas = Args.toLong(a[1]);
    long timeout = Args.toLong(a[2]);
    if (timeout < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    c.server.replication.waitFor(c, replicas, timeout);
  }

  public static void role(Client c, byte[][] a) {
    c.server.replication.role(c);
  }
}
