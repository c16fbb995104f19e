package dev.cairn.cache.script;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Command;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.server.Server;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lua scripting and functions, as Redis 7.0: EVAL's script cache ({@link EvalScripts}) and the
 * FUNCTION libraries ({@link Functions}) each with their own interpreter, the script client every
 * {@code redis.call} runs as, and the run in progress.
 *
 * <p><b>Atomicity and effects.</b> A script runs on the keyspace thread, and every {@code
 * redis.call} goes through the server's ordinary dispatch ({@link Client#call}) as the script
 * client: the same handlers, statistics, keyspace events and propagation as a connection's command,
 * nested inside the EVAL/FCALL being executed — so whatever records a command's effects records a
 * script's, inside the script's own execution unit.
 *
 * <p><b>Busy scripts.</b> Past {@code busy-reply-threshold} milliseconds the script is suspended
 * every {@value LuaEngine#CHECK_EVERY} instructions ({@link Fiber}) so the event loop can serve
 * other clients: they get {@code -BUSY} except for SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE and
 * the connection commands Redis allows; the script's own client waits for its reply. A script that
 * wrote cannot be killed (UNKILLABLE), as in Redis.
 *
 * <p>Keyspace thread only.
 */
public final class Scripting {
  private static final Logger log = LoggerFactory.getLogger(Scripting.class);
  private static final String BUSY_EVAL =
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
  private static final String BUSY_FUNCTION =
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

  final Server server;
  final Client client;
  final RedisApi api;
  final EvalScripts eval;
  final Functions functions;
  private ScriptRun run;
  private LuaEngine running;
  private Fiber fiber;
  private boolean suspended;
  private boolean abandoned;

  public Scripting(Server server) {
    this.server = server;
    this.client = Client.forScripts(server);
    this.api = new RedisApi(this);
    this.eval = new EvalScripts(this);
    this.functions = new Functions(this);
    if (!Fiber.SUPPORTED) {
      log.warn(
          "cache scripting: this JVM does not export jdk.internal.vm (add --add-exports"
              + " java.base/jdk.internal.vm=ALL-UNNAMED): scripts past busy-reply-threshold will"
              + " not let other clients in, and SCRIPT KILL cannot reach them");
    }
  }

  public EvalScripts eval() {
    return eval;
  }

  public Functions functions() {
    return functions;
  }

  // ---- the server's side ----

  /** A script outlived busy-reply-threshold and is suspended: other clients get -BUSY. */
  public boolean busy() {
    return suspended;
  }

  /** The -BUSY error for commands refused while {@link #busy}. */
  public String busyError() {
    return run != null && !run.eval ? BUSY_FUNCTION : BUSY_EVAL;
  }

  /**
   * Runs a command that may run a script ({@code call}). Returns true when it has ended; false when
   * the script outlived busy-reply-threshold and was suspended, in which case it goes on in slices
   * on {@code loop}, between other clients' commands, and {@code finished} runs when it ends.
   * Inside MULTI/EXEC the script runs to its end at once.
   */
  public boolean run(Runnable call, Executor loop, Runnable finished) {
    if (!Fiber.SUPPORTED || server.transactions.executing()) {
      call.run();
      return true;
    }
    Fiber f = new Fiber(call);
    fiber = f;
    if (f.run()) {
      fiber = null;
      return true;
    }
    suspended = true;
    loop.execute(() -> slice(f, loop, finished));
    return false;
  }

  private void slice(Fiber f, Executor loop, Runnable finished) {
    if (abandoned) {
      // SHUTDOWN NOSAVE under a busy script: it is dropped with the process, as in Redis
      return;
    }
    if (f.run()) {
      fiber = null;
      suspended = false;
      finished.run();
    } else {
      loop.execute(() -> slice(f, loop, finished));
    }
  }

  /** The server is stopping (SHUTDOWN NOSAVE): a suspended script is not resumed again. */
  public void abandon() {
    abandoned = true;
  }

  /** SCRIPT KILL ({@code eval}) or FUNCTION KILL. */
  void kill(Client c, boolean eval) {
    if (run == null) {
      throw new CommandError("NOTBUSY No scripts in execution right now.");
    }
    if (run.wrote) {
      throw new CommandError(
          "UNKILLABLE Sorry the script already executed write commands against the dataset. You"
              + " can either wait the script termination or kill the server in a hard way using"
              + " the SHUTDOWN NOSAVE command.");
    }
    if (eval && !run.eval) {
      throw new CommandError(BUSY_FUNCTION);
    }
    if (!eval && run.eval) {
      throw new CommandError(BUSY_EVAL);
    }
    log.info("cache script {} killed by client id={}", run.name, c.id);
    run.killed = true;
    c.reply.ok();
  }

  ScriptRun current() {
    return run;
  }

  // ---- running a script ----

  /**
   * Checks a script's flags against the server's state before it runs (Redis's {@code
   * scriptPrepareForRun}); throws the error the caller gets.
   */
  void checkRunnable(ScriptFlags flags, boolean readOnlyCommand) {
    if (server.replication.stale()
        && (flags.compat() || !flags.has(ScriptFlags.Flag.ALLOW_STALE))) {
      throw new CommandError(Server.MASTERDOWN);
    }
    if (flags.compat()) {
      return;
    }
    if (!flags.has(ScriptFlags.Flag.NO_WRITES)) {
      if (server.persistence.writesRefused()) {
        throw new CommandError(
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to"
                + " persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read"
                + " only scripts.");
      }
      if (server.replication.refusesWrites()) {
        throw new CommandError(Server.READONLY);
      }
      if (readOnlyCommand) {
        throw new CommandError("ERR Can not execute a script with write flag using *_ro command.");
      }
      if (server.replication.tooFewGoodReplicas()) {
        throw new CommandError(Server.NOREPLICAS);
      }
    }
    if (outOfMemory()
        && !flags.has(ScriptFlags.Flag.ALLOW_OOM)
        && !flags.has(ScriptFlags.Flag.NO_WRITES)) {
      throw new CommandError(
          "OOM allow-oom flag is not set on the script, can not run it when used memory >"
              + " 'maxmemory'");
    }
  }

  private boolean outOfMemory() {
    long max = server.maxmemory();
    return max > 0 && server.keyspace.usedMemory() > max;
  }

  /** A new run for {@code caller}; read-only for *_RO commands and no-writes scripts. */
  ScriptRun newRun(
      Client caller,
      byte[][] argv,
      String name,
      boolean eval,
      ScriptFlags flags,
      boolean readOnlyCommand) {
    boolean readOnly = readOnlyCommand || flags.has(ScriptFlags.Flag.NO_WRITES);
    return new ScriptRun(
        caller, argv, name, eval, readOnly, flags.has(ScriptFlags.Flag.ALLOW_OOM), outOfMemory());
  }

  /**
   * Calls {@code f} with {@code args} in {@code engine} for {@code r}, and replies to the caller
   * with its result or its error (Redis's {@code luaCallFunction}).
   */
  void call(LuaEngine engine, ScriptRun r, LuaFunction f, LuaValue... args) {
    run = r;
    running = engine;
    client.select(r.caller.db());
    client.user(r.caller.user());
    client.reply.protocol(2);
    long threshold = server.config().get(CacheConfig.BUSY_REPLY_THRESHOLD);
    engine.resetPosition();
    if (threshold > 0) {
      engine.interrupt(() -> interrupt(r, threshold));
    }
    try {
      LuaValue result = f.invoke(LuaValue.varargsOf(args)).arg1();
      LuaToReply.write(r.caller.reply, result, r.resp);
    } catch (LuaError e) {
      r.caller.reply.error(errorReply(e, r, engine.lastPosition()));
    } catch (StackOverflowError e) {
      r.caller.reply.error("ERR Error running script " + r.name + ", stack overflow");
    } finally {
      engine.stopInterrupts();
      run = null;
      running = null;
      ByteBuf left = client.reply.take();
      if (left != null) {
        left.release();
      }
    }
  }

  private void interrupt(ScriptRun r, long threshold) {
    if (r.killed) {
      log.warn(
          "cache script {}: killed by user with {}",
          r.name,
          r.eval ? "SCRIPT KILL" : "FUNCTION KILL");
      running.checkEveryInstruction();
      throw Errors.raise("Script killed by user with SCRIPT KILL...");
    }
    if (!r.timedOut) {
      long elapsed = r.elapsedMillis();
      if (elapsed < threshold) {
        return;
      }
      log.warn(
          "cache slow script detected: still in execution after {} milliseconds. You can try"
              + " killing the script using the {} command. Script name is: {}.",
          elapsed,
          r.eval ? "SCRIPT KILL" : "FUNCTION KILL",
          r.name);
      r.timedOut = true;
    }
    Fiber f = fiber;
    if (f != null && f.canSuspend()) {
      f.suspend();
    }
  }

  /** The error reply of a failed script: "-<err> script: <name>, on @<source>:<line>." */
  private static String errorReply(LuaError e, ScriptRun r, String last) {
    LuaValue o = e.getMessageObject();
    String where = e.getMessage() == null ? "" : e.getMessage();
    String position = Errors.position(e);
    String msg;
    if (o != null && o.istable() && o.rawget(Errors.ERR).isstring()) {
      msg = LuaToReply.text(o.rawget(Errors.ERR));
    } else if (o != null && o.istable()) {
      msg = "ERR " + where;
    } else {
      String text = o == null ? "nil" : LuaToReply.text(o);
      if (position == null && last != null && !(e instanceof ScriptError)) {
        // raised by a library function in a tail call: Lua 5.1 names the calling line
        text = last + ": " + text;
      }
      msg = "ERR " + text;
    }
    if (position == null) {
      position = last;
    }
    return position == null ? msg : msg + " script: " + r.name + ", on @" + position + ".";
  }

  /**
   * One {@code redis.call}/{@code redis.pcall}: the checks Redis makes for scripts ({@code
   * scriptCall}), then the command through the ordinary dispatch; returns the reply as a Lua value,
   * an error as {@code {err=...}}.
   */
  LuaValue command(ScriptRun r, byte[][] argv) {
    Command cmd = server.commands.lookup(argv[0]);
    if (cmd == null) {
      return Errors.of("Unknown Redis command called from script");
    }
    if (!cmd.arityOk(argv.length)) {
      return Errors.of("Wrong number of args calling Redis command from script");
    }
    if (cmd.has(Command.Flag.NOSCRIPT)) {
      return Errors.of("This Redis command is not allowed from script");
    }
    String denied = server.aclDenied(r.caller, client.user(), cmd, argv, "lua");
    if (denied != null) {
      return Errors.of("The user executing the script " + aclReason(denied));
    }
    boolean write = cmd.has(Command.Flag.WRITE);
    if (r.readOnly && (write || cmd.has(Command.Flag.MAY_REPLICATE))) {
      return Errors.of("Write commands are not allowed from read-only scripts.");
    }
    // a script without flags is checked at its first write, as Redis's
    // scriptVerifyWriteCommandAllow
    // (once it wrote, it must finish)
    if (write && !r.wrote && server.replication.refusesWrites()) {
      return Errors.table(Server.READONLY);
    }
    if (write && !r.wrote && server.persistence.writesRefused()) {
      return Errors.table(Server.MISCONF);
    }
    if (write && !r.wrote && server.replication.tooFewGoodReplicas()) {
      return Errors.table(Server.NOREPLICAS);
    }
    if (!r.allowOom
        && !r.wrote
        && r.oomAtStart
        && server.maxmemory() > 0
        && cmd.has(Command.Flag.DENYOOM)) {
      return Errors.table(CommandError.OOM.getMessage());
    }
    if (write) {
      r.wrote = true;
    }
    client.reply.protocol(r.resp);
    client.call(cmd, argv);
    ByteBuf out = client.reply.take();
    try {
      return ReplyToLua.read(out);
    } finally {
      out.release();
    }
  }

  /** Redis 7.0's ACL reasons in scripts ("can't run this command or subcommand"...). */
  /** Redis 7.0's getAclErrorMessage, from the NOPERM error the dispatcher would give. */
  private static String aclReason(String denied) {
    if (denied.contains("keys")) {
      return "can't access at least one of the keys mentioned in the command arguments";
    }
    if (denied.contains("channels")) {
      return "can't publish to the channel mentioned in the command";
    }
    return "can't run this command or subcommand";
  }

  /** A Lua string argument list (KEYS, ARGV) from command arguments. */
  static LuaTable array(byte[][] argv, int from, int count) {
    LuaTable t = new LuaTable(count, 0);
    for (int i = 0; i < count; i++) {
      t.rawset(i + 1, LuaString.valueOf(argv[from + i]));
    }
    return t;
  }
}
