package dev.cairn.cache.sentinel;

import java.util.List;

/**
 * A command the sentinel logic asks its driver to send to a monitored server or to another
 * sentinel, with the name of the master it concerns (the reply is routed back by it).
 *
 * <p>{@link Kind#REPLICAOF} is sent as Redis's sentinel sends it: MULTI, REPLICAOF, CONFIG REWRITE,
 * CLIENT KILL TYPE normal, EXEC — the instance remembers its new role in its config file and its
 * clients reconnect (and ask a sentinel where the primary is now). The replies of the wrapped
 * commands are not looked at: the next INFO shows whether the instance changed its role.
 */
public record Request(String master, Address to, Kind kind, List<String> args) {
  /** What is asked. */
  public enum Kind {
    PING,
    INFO,
    /** PUBLISH __sentinel__:hello to a monitored server, or straight to a sentinel. */
    HELLO,
    /** SENTINEL IS-MASTER-DOWN-BY-ADDR ip port epoch runid|*, to a sentinel. */
    ASK_DOWN,
    /** REPLICAOF host port, or NO ONE when {@code args} are empty. */
    REPLICAOF
  }

  public static final String HELLO_CHANNEL = "__sentinel__:hello";

  /** The command lines to write, in order. */
  public List<List<String>> commands() {
    return switch (kind) {
      case PING -> List.of(List.of("PING"));
      case INFO -> List.of(List.of("INFO"));
      case HELLO -> List.of(List.of("PUBLISH", HELLO_CHANNEL, args.get(0)));
      case ASK_DOWN ->
          List.of(
              List.of(
                  "SENTINEL",
                  "IS-MASTER-DOWN-BY-ADDR",
                  args.get(0),
                  args.get(1),
                  args.get(2),
                  args.get(3)));
      case REPLICAOF ->
          List.of(
              List.of("MULTI"),
              args.isEmpty()
                  ? List.of("REPLICAOF", "NO", "ONE")
                  : List.of("REPLICAOF", args.get(0), args.get(1)),
              List.of("CONFIG", "REWRITE"),
              List.of("CLIENT", "KILL", "TYPE", "normal"),
              List.of("EXEC"));
    };
  }
}
