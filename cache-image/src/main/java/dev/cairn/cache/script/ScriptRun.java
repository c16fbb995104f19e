package dev.cairn.cache.script;

import dev.cairn.cache.server.Client;

/**
 * One running script or function (Redis's {@code scriptRunCtx}): who called it, what it may do
 * (read-only, allowed over maxmemory), whether it has written (then SCRIPT KILL is refused),
 * whether it outlived busy-reply-threshold and whether someone asked to kill it.
 */
final class ScriptRun {
  final Client caller;
  final byte[][] argv;

  /** The SHA of an EVAL script, or the function's name. */
  final String name;

  final boolean eval;
  final boolean readOnly;
  final boolean allowOom;

  /** Used memory was over maxmemory when the script started (Redis's pre_command_oom_state). */
  final boolean oomAtStart;

  final long startNanos = System.nanoTime();

  /** The protocol the script reads replies in (redis.setresp). */
  int resp = 2;

  /** Where the script's writes propagate (redis.set_repl): REPL_AOF | REPL_REPLICA. */
  int repl = RedisApi.REPL_ALL;

  boolean wrote;
  boolean timedOut;
  boolean killed;

  ScriptRun(
      Client caller,
      byte[][] argv,
      String name,
      boolean eval,
      boolean readOnly,
      boolean allowOom,
      boolean oomAtStart) {
    this.caller = caller;
    this.argv = argv;
    this.name = name;
    this.eval = eval;
    this.readOnly = readOnly;
    this.allowOom = allowOom;
    this.oomAtStart = oomAtStart;
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
