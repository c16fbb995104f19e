package dev.cairn.cache.sentinel;

import dev.cairn.cache.db.Glob;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.server.ConnectionCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands of sentinel mode with Redis 7.0's replies: SENTINEL and its subcommands, INFO (with
 * the sentinel section), ROLE, and PUBLISH (hello messages only). Runs on the sentinel's event loop
 * (the server's), like the {@link SentinelEngine}'s timer, so the state is never shared.
 */
final class SentinelCommands {
  private final SentinelEngine engine;

  SentinelCommands(SentinelEngine engine) {
    this.engine = engine;
  }

  private SentinelState state() {
    return engine.state();
  }

  void sentinel(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    long now = engine.now();
    try {
      switch (sub) {
        case "masters" -> {
          arity(a, 2);
          c.reply.array(state().masters().size());
          for (MonitoredMaster m : state().masters()) {
            master(c, m, now);
          }
        }
        case "master" -> {
          arity(a, 3);
          master(c, state().master(Args.str(a[2])), now);
        }
        case "replicas", "slaves" -> {
          arity(a, 3);
          MonitoredMaster m = state().master(Args.str(a[2]));
          c.reply.array(m.replicas.size());
          for (Instance r : m.replicas.values()) {
            instance(c, m, r, now);
          }
        }
        case "sentinels" -> {
          arity(a, 3);
          MonitoredMaster m = state().master(Args.str(a[2]));
          c.reply.array(m.sentinels.size());
          for (Instance s : m.sentinels.values()) {
            instance(c, m, s, now);
          }
        }
        case "get-master-addr-by-name" -> {
          arity(a, 3);
          MonitoredMaster m = state().masterOrNull(Args.str(a[2]));
          if (m == null) {
            c.reply.nullArray();
          } else {
            Address addr = m.currentAddress();
            c.reply.array(2);
            c.reply.bulk(addr.host());
            c.reply.bulk(Integer.toString(addr.port()));
          }
        }
        case "is-master-down-by-addr" -> {
          arity(a, 6);
          SentinelState.Vote v =
              state()
                  .isMasterDownByAddr(
                      new Address(Args.str(a[2]), Args.toInt(a[3])),
                      Args.toLong(a[4]),
                      Args.str(a[5]),
                      now);
          engine.afterChange();
          c.reply.array(3);
          c.reply.integer(v.down() ? 1 : 0);
          c.reply.bulk(v.leader());
          c.reply.integer(v.leaderEpoch());
        }
        case "monitor" -> {
          arity(a, 6);
          long quorum = Args.toLong(a[5]);
          int port = Args.toInt(a[4]);
          if (port <= 0 || port > 65535) {
            throw new CommandError("ERR Invalid port number");
          }
          state().monitor(Args.str(a[2]), new Address(Args.str(a[3]), port), (int) quorum, now);
          engine.afterChange();
          c.reply.ok();
        }
        case "remove" -> {
          arity(a, 3);
          state().remove(Args.str(a[2]));
          engine.afterChange();
          c.reply.ok();
        }
        case "set" -> {
          if (a.length < 5 || a.length % 2 == 0) {
            throw new CommandError("ERR wrong number of arguments for 'sentinel|set' command");
          }
          for (int i = 3; i < a.length; i += 2) {
            String option = Args.lower(a[i]);
            if (option.equals("config-epoch") || option.equals("leader-epoch")) {
              throw new CommandError("ERR Invalid argument '" + option + "' to SENTINEL SET");
            }
            state().set(Args.str(a[2]), option, Args.str(a[i + 1]));
          }
          engine.afterChange();
          c.reply.ok();
        }
        case "failover" -> {
          arity(a, 3);
          state().failover(Args.str(a[2]), now);
          engine.afterChange();
          c.reply.ok();
        }
        case "ckquorum" -> {
          arity(a, 3);
          String refused = state().ckquorum(Args.str(a[2]));
          if (refused != null) {
            throw new CommandError(refused);
          }
          MonitoredMaster m = state().master(Args.str(a[2]));
          int usable = 1 + (int) m.sentinels.values().stream().filter(s -> !s.sdown).count();
          c.reply.simple(
              "OK "
                  + usable
                  + " usable Sentinels. Quorum and failover authorization can be reached");
        }
        case "reset" -> {
          arity(a, 3);
          byte[] pattern = a[2];
          int n =
              state()
                  .reset(
                      name -> Glob.match(pattern, name.getBytes(StandardCharsets.UTF_8), false),
                      now);
          engine.afterChange();
          c.reply.integer(n);
        }
        case "myid" -> {
          arity(a, 2);
          c.reply.bulk(state().myId());
        }
        case "flushconfig" -> {
          arity(a, 2);
          engine.saveConfig();
          c.reply.ok();
        }
        case "pending-scripts" -> c.reply.array(0);
        case "config" -> config(c, a);
        default ->
            throw new CommandError(
                "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try SENTINEL HELP.");
      }
    } catch (SentinelState.Refused e) {
      throw new CommandError(e.getMessage());
    }
  }

  private static void arity(byte[][] a, int n) {
    if (a.length != n) {
      throw new CommandError(
          "ERR wrong number of arguments for 'sentinel|" + Args.lower(a[1]) + "' command");
    }
  }

  /**
   * SENTINEL CONFIG GET|SET for the sentinel-wide settings: announce-ip and announce-port (and SET
   * of sentinel-user and sentinel-pass, which GET does not show).
   */
  private void config(Client c, byte[][] a) {
    if (a.length == 4 && Args.is(a[2], "get")) {
      String pattern = Args.str(a[3]);
      List<String[]> out = new ArrayList<>();
      String[][] all = {
        {"announce-ip", engine.config().announceIp},
        {"announce-port", Integer.toString(engine.config().announcePort)},
        {"resolve-hostnames", "no"},
        {"announce-hostnames", "no"},
        {"deny-scripts-reconfig", "yes"}
      };
      for (String[] kv : all) {
        if (Glob.match(
            pattern.getBytes(StandardCharsets.UTF_8),
            kv[0].getBytes(StandardCharsets.UTF_8),
            true)) {
          out.add(kv);
        }
      }
      c.reply.map(out.size());
      for (String[] kv : out) {
        c.reply.bulk(kv[0]);
        c.reply.bulk(kv[1]);
      }
      return;
    }
    if (a.length == 5 && Args.is(a[2], "set")) {
      String option = Args.lower(a[3]);
      String value = Args.str(a[4]);
      switch (option) {
        case "announce-ip" -> engine.config().announceIp = value;
        case "announce-port" -> {
          int port = Args.toInt(a[4]);
          if (port < 0 || port > 65535) {
            throw new CommandError("ERR Invalid port number");
          }
          engine.config().announcePort = port;
        }
        case "sentinel-user" -> {
          engine.config().sentinelUser = value;
          engine.dropSentinelLinks();
        }
        case "sentinel-pass" -> {
          engine.config().sentinelPass = value;
          engine.dropSentinelLinks();
        }
        default ->
            throw new CommandError("ERR Invalid argument '" + option + "' to SENTINEL CONFIG SET");
      }
      engine.announce();
      engine.saveConfig();
      c.reply.ok();
      return;
    }
    throw new CommandError(
        "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
  }

  private void master(Client c, MonitoredMaster m, long now) {
    instance(c, m, m.master, now);
  }

  /** Redis's addReplySentinelRedisInstance: the instance as field/value pairs. */
  private void instance(Client c, MonitoredMaster m, Instance i, long now) {
    List<String> f = new ArrayList<>();
    add(
        f,
        "name",
        i.kind == Instance.Kind.MASTER
            ? m.name
            : i.kind == Instance.Kind.SENTINEL ? i.runId : i.address.toString());
    add(f, "ip", i.address.host());
    add(f, "port", i.address.port());
    add(f, "runid", i.runId == null ? "" : i.runId);
    add(
        f,
        "flags",
        i.flags(
            i.kind == Instance.Kind.MASTER && m.failingOver(),
            i.kind == Instance.Kind.MASTER && m.forced));
    add(f, "link-pending-commands", 0);
    add(f, "link-refcount", 1);
    add(
        f,
        "last-ping-sent",
        i.pingPendingSince == SentinelState.NEVER ? 0 : now - i.pingPendingSince);
    add(f, "last-ok-ping-reply", now - i.lastOkPing);
    add(f, "last-ping-reply", now - i.lastReply);
    if (i.sdown) {
      add(f, "s-down-time", now - i.sdownSince);
    }
    if (i.odown) {
      add(f, "o-down-time", now - i.odownSince);
    }
    add(f, "down-after-milliseconds", m.downAfter);
    if (i.kind != Instance.Kind.SENTINEL) {
      add(f, "info-refresh", i.infoRefresh == SentinelState.NEVER ? 0 : now - i.infoRefresh);
      add(f, "role-reported", i.reportsMaster ? "master" : "slave");
      add(f, "role-reported-time", now - i.roleReportedTime);
    }
    if (i.kind == Instance.Kind.MASTER) {
      add(f, "config-epoch", m.configEpoch);
      add(f, "num-slaves", m.replicas.size());
      add(f, "num-other-sentinels", m.sentinels.size());
      add(f, "quorum", m.quorum);
      add(f, "failover-timeout", m.failoverTimeout);
      add(f, "parallel-syncs", m.parallelSyncs);
      if (m.failingOver()) {
        add(f, "failover-state", "" + m.state.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
    }
    if (i.kind == Instance.Kind.REPLICA) {
      add(f, "master-link-down-time", i.masterLinkDownMillis);
      add(f, "master-link-status", i.masterLinkUp ? "ok" : "err");
      add(f, "master-host", i.masterHost == null ? "?" : i.masterHost);
      add(f, "master-port", i.masterPort);
      add(f, "slave-priority", i.priority);
      add(f, "slave-repl-offset", i.offset);
      add(f, "replica-announced", i.announced ? 1 : 0);
    }
    if (i.kind == Instance.Kind.SENTINEL) {
      add(f, "last-hello-message", i.lastHello == SentinelState.NEVER ? 0 : now - i.lastHello);
      add(f, "voted-leader", i.leader == null ? "?" : i.leader);
      add(f, "voted-leader-epoch", i.leaderEpoch);
    }
    c.reply.map(f.size() / 2);
    for (String s : f) {
      c.reply.bulk(s);
    }
  }

  private static void add(List<String> f, String name, Object value) {
    f.add(name);
    f.add(String.valueOf(value));
  }

  /** INFO [section ...]: server, clients, stats and sentinel, as a sentinel answers it. */
  void info(Client c, byte[][] a) {
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i < a.length; i++) {
      wanted.add(Args.lower(a[i]));
    }
    boolean all =
        wanted.isEmpty()
            || wanted.contains("all")
            || wanted.contains("default")
            || wanted.contains("everything");
    StringBuilder sb = new StringBuilder();
    if (all || wanted.contains("server")) {
      sb.append("# Server\r\n");
      field(sb, "redis_version", ConnectionCommands.REDIS_VERSION);
      field(sb, "redis_mode", "sentinel");
      field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
      field(sb, "arch_bits", 64);
      field(sb, "process_id", ProcessHandle.current().pid());
      field(sb, "run_id", state().myId());
      field(sb, "tcp_port", engine.port());
      long up = (System.currentTimeMillis() - c.server.startedAt) / 1000;
      field(sb, "uptime_in_seconds", up);
      field(sb, "uptime_in_days", up / 86400);
      field(sb, "hz", 10);
      field(sb, "config_file", engine.config().file);
      sb.append("\r\n");
    }
    if (all || wanted.contains("clients")) {
      sb.append("# Clients\r\n");
      field(sb, "connected_clients", c.server.clients.count());
      sb.append("\r\n");
    }
    if (all || wanted.contains("stats")) {
      sb.append("# Stats\r\n");
      field(sb, "total_connections_received", c.server.stats.totalConnections);
      field(sb, "total_commands_processed", c.server.stats.totalCommands);
      sb.append("\r\n");
    }
    if (all || wanted.contains("sentinel")) {
      sb.append("# Sentinel\r\n");
      field(sb, "sentinel_masters", state().masters().size());
      field(sb, "sentinel_tilt", state().tilt() ? 1 : 0);
      field(sb, "sentinel_tilt_since_seconds", state().tiltSeconds(engine.now()));
      field(sb, "sentinel_running_scripts", 0);
      field(sb, "sentinel_scripts_queue_length", 0);
      field(sb, "sentinel_simulate_failure_flags", 0);
      int n = 0;
      for (MonitoredMaster m : state().masters()) {
        Address addr = m.currentAddress();
        String status = m.master.odown ? "odown" : m.master.sdown ? "sdown" : "ok";
        sb.append("master")
            .append(n++)
            .append(":name=")
            .append(m.name)
            .append(",status=")
            .append(status)
            .append(",address=")
            .append(addr)
            .append(",slaves=")
            .append(m.replicas.size())
            .append(",sentinels=")
            .append(m.sentinels.size() + 1)
            .append("\r\n");
      }
    }
    c.reply.verbatim(sb.toString());
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  /** ROLE: {@code sentinel} and the names of the masters it monitors. */
  void role(Client c, byte[][] a) {
    c.reply.array(2);
    c.reply.bulk("sentinel");
    c.reply.array(state().masters().size());
    for (MonitoredMaster m : state().masters()) {
      c.reply.bulk(m.name);
    }
  }

  /** PUBLISH: a sentinel takes hello messages from other sentinels, nothing else. */
  void publish(Client c, byte[][] a) {
    if (!Args.str(a[1]).equals(Request.HELLO_CHANNEL)) {
      throw new CommandError("ERR Only HELLO messages are accepted by Sentinel instances.");
    }
    state().hello(Args.str(a[2]), engine.now());
    engine.afterChange();
    c.reply.integer(1);
  }
}
