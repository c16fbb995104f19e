package dev.cairn.cache.replication;

import dev.cairn.cache.server.Args;
import java.util.Set;

/**
 * The commands Redis 7.0 flags {@code stale} (from redis-server 7.0.15's COMMAND reply): the ones a
 * replica with {@code replica-serve-stale-data no} still serves while its link to the primary is
 * down; every other command gets -MASTERDOWN. For container commands the flag is per subcommand, so
 * those are listed as {@code container|subcommand}. EVAL, EVALSHA and FCALL are stale here, as in
 * Redis, and their scripts are refused when they run unless they declare {@code allow-stale}.
 */
public final class StaleCommands {
  private StaleCommands() {}

  private static final Set<String> COMMANDS =
      Set.of(
          "auth",
          "command",
          "debug",
          "discard",
          "echo",
          "eval",
          "eval_ro",
          "evalsha",
          "evalsha_ro",
          "exec",
          "failover",
          "fcall",
          "fcall_ro",
          "hello",
          "info",
          "lastsave",
          "monitor",
          "multi",
          "psubscribe",
          "publish",
          "punsubscribe",
          "quit",
          "readonly",
          "readwrite",
          "replconf",
          "replicaof",
          "reset",
          "role",
          "select",
          "shutdown",
          "slaveof",
          "spublish",
          "ssubscribe",
          "subscribe",
          "sunsubscribe",
          "time",
          "unsubscribe",
          "unwatch",
          "watch");

  private static final Set<String> SUBCOMMANDS =
      Set.of(
          "xgroup|help",
          "xinfo|help",
          "module|help",
          "memory|help",
          "object|help",
          "function|help",
          "script|help",
          "script|load",
          "client|trackinginfo",
          "client|caching",
          "client|reply",
          "client|help",
          "client|unpause",
          "client|pause",
          "client|setname",
          "client|getname",
          "client|tracking",
          "client|list",
          "client|unblock",
          "client|info",
          "client|kill",
          "client|getredir",
          "client|id",
          "client|no-evict",
          "pubsub|help",
          "pubsub|numsub",
          "pubsub|numpat",
          "pubsub|shardchannels",
          "pubsub|channels",
          "pubsub|shardnumsub",
          "config|help",
          "config|get",
          "config|set",
          "config|resetstat",
          "config|rewrite",
          "acl|deluser",
          "acl|load",
          "acl|genpass",
          "acl|help",
          "acl|save",
          "acl|whoami",
          "acl|setuser",
          "acl|log",
          "acl|users",
          "acl|list",
          "acl|cat",
          "acl|getuser",
          "acl|dryrun",
          "latency|histogram",
          "latency|graph",
          "latency|doctor",
          "latency|history",
          "latency|help",
          "latency|latest",
          "latency|reset",
          "slowlog|len",
          "slowlog|help",
          "slowlog|reset",
          "slowlog|get",
          "cluster|help",
          "cluster|info",
          "cluster|myid",
          "cluster|nodes",
          "cluster|slots",
          "cluster|shards",
          "cluster|links",
          "cluster|keyslot",
          "cluster|replicas",
          "cluster|slaves",
          "cluster|countkeysinslot",
          "cluster|getkeysinslot",
          "cluster|count-failure-reports");

  /** Whether {@code name} (lower case) with these arguments may run on a stale replica. */
  public static boolean allowed(String name, byte[][] argv) {
    if (COMMANDS.contains(name)) {
      return true;
    }
    return argv.length > 1 && SUBCOMMANDS.contains(name + "|" + Args.lower(argv[1]));
  }
}
