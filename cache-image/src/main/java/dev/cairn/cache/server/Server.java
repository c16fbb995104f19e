package dev.cairn.cache.server;

import dev.cairn.cache.acl.Acl;
import dev.cairn.cache.acl.User;
import dev.cairn.cache.aof.AppendOnly;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.propagation.Propagation;
import dev.cairn.cache.pubsub.PubSub;
import dev.cairn.cache.rdb.Persistence;
import dev.cairn.cache.replication.Replication;
import dev.cairn.cache.replication.StaleCommands;
import dev.cairn.cache.script.Scripting;
import dev.cairn.cache.tracking.Tracking;
import dev.cairn.cache.transaction.Transactions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's core: it wires the components (keyspace, command table, clients, transactions,
 * pub/sub, ACL, persistence, replication), hands each its part of the configuration, and is the
 * dispatcher that runs every command through the same checks in Redis's order (lookup, arity,
 * authentication, ACL, subscribed-mode restrictions, MULTI queueing, maxmemory) before calling its
 * handler.
 *
 * <p>Threading: all of it runs on one thread (the single Netty event loop that owns every client
 * connection), so commands are atomic and MULTI/EXEC isolated without any lock. Other threads
 * (metrics scrapes) only read counters.
 */
public final class Server implements Keyspace.Listener {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  public final CommandTable commands;
  private final SubcommandArity subcommandArity;

  /** INFO commandstats per subcommand and errorstats. */
  public final CommandStatistics commandStats;

  public final Keyspace keyspace;
  private final Evictor evictor;
  public final PubSub pubsub = new PubSub(this);

  /** CLIENT TRACKING: the keys tracking clients read, invalidated when modified. */
  public final Tracking tracking = new Tracking(this);

  public final Acl acl = new Acl();

  /** The live encoding thresholds every hash, set and sorted set of this server reads. */
  public final Encodings encodings = new Encodings();

  /** MULTI/EXEC and WATCH. */
  public final Transactions transactions = new Transactions(this);

  final Blocking blocking = new Blocking(this);
  final Monitors monitors = new Monitors();
  final Pause pause = new Pause(this);
  final LatencyMonitor latency = new LatencyMonitor();
  public final SlowLog slowlog = new SlowLog();
  public final Persistence persistence;

  /** EVAL's scripts, FUNCTION's libraries and the script running now. */
  public final Scripting scripting;

  /** Where write commands leave as their effects (the AOF, replication). */
  public final Propagation propagation = new Propagation();

  /** Replication, both roles: the other consumer of {@link #propagation}. */
  public final Replication replication;

  /** The append-only file: a consumer of {@link #propagation}. */
  public final AppendOnly aof;

  /** Replies waiting for the append-only file to have their writes. */
  public final HeldReplies heldReplies = new HeldReplies();

  /** INFO stats' server-wide counters. */
  public final ServerStats stats = new ServerStats();

  /** The connected clients and the limits on them. */
  public final ClientRegistry clients = new ClientRegistry(this);

  /** Command run times into the statistics, SLOWLOG and the LATENCY monitor. */
  final CommandTimings timings = new CommandTimings(stats, slowlog, latency);

  public final long startedAt = System.currentTimeMillis();
  public final String runId;
  private CacheConfig config;
  private Runnable shutdown;
  private long maxmemory;
  private int notifyFlags;

  public Server(CacheConfig config) {
    this(config, Commands.table());
  }

  /**
   * A server answering the given commands only: sentinel mode replaces the table, as Redis's
   * sentinel does, and keeps the connection handling, pub/sub and ACL of this one.
   */
  public Server(CacheConfig config, CommandTable commands) {
    this.keyspace = new Keyspace(config.get(CacheConfig.DATABASES), this);
    this.evictor = new Evictor(keyspace);
    this.persistence = new Persistence(keyspace, encodings, ConnectionCommands.REDIS_VERSION);
    this.aof = new AppendOnly(this, ConnectionCommands.REDIS_VERSION);
    this.replication = new Replication(this);
    this.commands = commands;
    this.subcommandArity = new SubcommandArity(CommandCatalog.get());
    this.commandStats = new CommandStatistics(commands, CommandCatalog.get());
    this.scripting = new Scripting(this);
    persistence.functions(scripting.functions());
    byte[] id = new byte[20];
    new java.security.SecureRandom().nextBytes(id);
    this.runId = java.util.HexFormat.of().formatHex(id);
    apply(config);
    if (!config.get(CacheConfig.ACLFILE).isEmpty()) {
      // as Redis's ACLLoadUsersAtStartup: a file with errors stops the start
      String errors = acl.load(dev.cairn.cache.acl.AclCommands.aclFile(config));
      if (errors != null) {
        throw new IllegalStateException("Aborting start because of ACL errors: " + errors);
      }
    }
  }

  public CacheConfig config() {
    return config;
  }

  /** Evicts keys toward maxmemory, if set (after CONFIG SET maxmemory); see {@link Evictor}. */
  void evictToMaxmemory() {
    evictor.evict();
  }

  /** The keyspace's loop, where eviction goes on between commands once a pass runs out of time. */
  public void attachEviction(Executor keyspaceLoop) {
    evictor.attach(keyspaceLoop, scripting::busy);
  }

  /** Applies a (validated) configuration; the live keys take effect immediately. */
  public void apply(CacheConfig next) {
    CacheConfig previous = this.config;
    this.config = next;
    this.maxmemory = next.get(CacheConfig.MAXMEMORY);
    evictor.configure(next);
    timings.configure(next);
    clients.configure(next);
    this.notifyFlags = Notifications.parse(next.get(CacheConfig.NOTIFY_KEYSPACE_EVENTS));
    tracking.maxKeys(next.get(CacheConfig.TRACKING_TABLE_MAX_KEYS));
    keyspace.policy(
        next.policy(), next.get(CacheConfig.LFU_LOG_FACTOR), next.get(CacheConfig.LFU_DECAY_TIME));
    String requirepass = next.get(CacheConfig.REQUIREPASS);
    if (previous == null || !previous.get(CacheConfig.REQUIREPASS).equals(requirepass)) {
      // only a change of requirepass sets the default user's password, as CONFIG SET requirepass
      acl.requirePass(requirepass);
    }
    encodings.hash(
        next.get(CacheConfig.HASH_MAX_LISTPACK_ENTRIES),
        next.get(CacheConfig.HASH_MAX_LISTPACK_VALUE));
    encodings.intset(next.get(CacheConfig.SET_MAX_INTSET_ENTRIES));
    encodings.zset(
        next.get(CacheConfig.ZSET_MAX_LISTPACK_ENTRIES),
        next.get(CacheConfig.ZSET_MAX_LISTPACK_VALUE));
    encodings.stream(
        next.get(CacheConfig.STREAM_NODE_MAX_BYTES), next.get(CacheConfig.STREAM_NODE_MAX_ENTRIES));
    encodings.hllSparseBytes(next.get(CacheConfig.HLL_SPARSE_MAX_BYTES));
    persistence.configure(next);
    aof.configure(next);
    replication.configure(next);
  }

  /** What SHUTDOWN does: stop the process (or, embedded, the engine). */
  public void onShutdown(Runnable action) {
    this.shutdown = action;
  }

  void shutdown(Client by) {
    log.info("cache SHUTDOWN requested by client id={} addr={}, stopping", by.id, by.address());
    scripting.abandon();
    shutdown.run();
  }

  /**
   * What Redis does before it exits (SHUTDOWN, SIGTERM): the AOF written and fsynced, then an RDB
   * save if asked ({@code save}) or if save rules are set and {@code nosave} is not given.
   */
  public void persistForShutdown(boolean save, boolean nosave) throws java.io.IOException {
    aof.flushForShutdown();
    if (save || (!nosave && !persistence.rules().isEmpty())) {
      persistence.saveForShutdown();
    }
  }

  public long maxmemory() {
    return maxmemory;
  }

  // ---- clients ----

  void disconnect(Client c) {
    if (!clients.remove(c)) {
      return;
    }
    c.closed = true;
    replication.disconnected(c);
    monitors.remove(c);
    pause.remove(c);
    transactions.unwatchAll(c);
    pubsub.unsubscribeAll(c);
    tracking.disable(c);
    blocking.unblock(c);
    var pending = c.reply.take();
    if (pending != null) {
      pending.release();
    }
  }

  /** Every 100 ms, as Redis's serverCron: the stats sampled, an eviction pass a script held up. */
  public void sampleStats() {
    stats.sample(keyspace.usedMemory());
    if (!scripting.busy()) {
      evictor.evict(); // a pass skipped while a script was busy
    }
  }

  // ---- dispatch ----

  /**
   * The ACL check of a command about to run for {@code user} on behalf of {@code caller}: null if
   * allowed, else the NOPERM error, the refusal logged in ACL LOG with the caller's client info.
   */
  public String aclDenied(Client caller, User user, Command cmd, byte[][] argv, String context) {
    Acl.Denial d = acl.deny(user, cmd, argv);
    if (d == null) {
      return null;
    }
    logAclRefusal(caller, d.reason(), context, d.object(), user.name());
    return d.error();
  }

  /** One ACL LOG entry (a refused command, key, channel, or a failed AUTH). */
  public void logAclRefusal(
      Client caller, String reason, String context, String object, String userName) {
    long maxLen = Long.parseLong(config.raw(CacheConfig.option("acllog-max-len").key()));
    acl.log.add(reason, context, object, userName, ConnectionCommands.describe(caller), maxLen);
  }

  /**
   * Runs one command from a client. Returns false if the client is now blocked (the caller stops
   * parsing its input until it is unblocked).
   */
  boolean execute(Client c, byte[][] argv) {
    keyspace.tick();
    c.lastInteraction = keyspace.now();
    Command cmd = commands.lookup(argv[0]);
    if (cmd == null) {
      reject(c, null, argv, unknownCommand(argv));
      return true;
    }
    if (!cmd.arityOk(argv.length)) {
      reject(c, cmd, argv, "ERR wrong number of arguments for '" + cmd.name() + "' command");
      return true;
    }
    String subcommandMisuse = subcommandArity.check(cmd, argv);
    if (subcommandMisuse != null) {
      reject(c, cmd, argv, subcommandMisuse);
      return true;
    }
    if (!c.authenticated && !cmd.has(Command.Flag.NO_AUTH)) {
      reject(c, cmd, argv, "NOAUTH Authentication required.");
      return true;
    }
    if (c.inMulti() && noMulti(cmd)) {
      // SAVE, SHUTDOWN, SYNC... are refused, not queued: an EXEC would run them
      reject(c, cmd, argv, "ERR Command not allowed inside a transaction");
      return true;
    }
    String denied = aclDenied(c, c.user, cmd, argv, c.inMulti() ? "multi" : "toplevel");
    if (denied != null) {
      reject(c, cmd, argv, denied);
      return true;
    }
    if (c.subscribed() && c.reply.protocol() == 2 && !cmd.has(Command.Flag.SUBSCRIBED_OK)) {
      reject(
          c,
          cmd,
          argv,
          "ERR Can't execute '"
              + cmd.name()
              + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in"
              + " this context");
      return true;
    }
    if (scripting.busy() && !cmd.has(Command.Flag.ALLOW_BUSY)) {
      reject(c, cmd, argv, scripting.busyError());
      return true;
    }
    String refused = persistence.writesRefused() ? MISCONF : aof.writesRefused();
    if (refused != null && (cmd.has(Command.Flag.WRITE) || cmd.name().equals("ping"))) {
      reject(c, cmd, argv, refused);
      return true;
    }
    boolean write = writes(c, cmd);
    if (write && replication.tooFewGoodReplicas()) {
      reject(c, cmd, argv, NOREPLICAS);
      return true;
    }
    if (write && replication.refusesWrites()) {
      reject(c, cmd, argv, READONLY);
      return true;
    }
    if (replication.stale() && deniedWhileStale(c, cmd, argv)) {
      reject(c, cmd, argv, MASTERDOWN);
      return true;
    }
    if (maxmemory > 0 && evictor.evict() == Keyspace.Eviction.FAILED && refusesOnOom(c, cmd)) {
      reject(c, cmd, argv, CommandError.OOM.getMessage());
      return true;
    }
    if (tracking.clients() > 0) {
      tracking.limit();
    }
    if (c.transaction.active() && !cmd.has(Command.Flag.TX_CONTROL)) {
      c.transaction.queue(argv);
      c.lastCommand = cmd.name(); // CLIENT LIST's cmd: the last command sent, queued or not
      c.lastArgument = argv.length > 1 ? argv[1] : null;
      c.reply.simple("QUEUED");
      return true;
    }
    if (pause.holds(c, cmd)) {
      pause.hold(c, argv);
      return false;
    }
    if (!cmd.has(Command.Flag.SCRIPT)) {
      call(c, cmd, argv);
    } else if (!scripting.run(
        () -> call(c, cmd, argv), c.channel.eventLoop(), () -> scriptEnded(c))) {
      // the script outlived busy-reply-threshold: it goes on between other clients' commands
      c.scriptRunning = true;
      return false;
    }
    afterCommand();
    return !c.blocked();
  }

  public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
  public static final String READONLY = "READONLY You can't write against a read only replica.";

  /**
   * Redis's is_write_command: a write, or an EXEC whose queue holds one (the replicas or the role
   * may have changed since the commands were queued).
   */
  private boolean writes(Client c, Command cmd) {
    if (cmd.has(Command.Flag.WRITE)) {
      return true;
    }
    return c.transaction.active()
        && cmd.name().equals("exec")
        && transactions.anyQueued(c, (q, argv) -> q.has(Command.Flag.WRITE));
  }

  public static final String MASTERDOWN =
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

  /** Redis's is_denystale_command: not a stale command, or an EXEC whose queue holds one. */
  private boolean deniedWhileStale(Client c, Command cmd, byte[][] argv) {
    if (!StaleCommands.allowed(cmd.name(), argv)) {
      return true;
    }
    return c.transaction.active()
        && cmd.name().equals("exec")
        && transactions.anyQueued(c, (q, queued) -> !StaleCommands.allowed(q.name(), queued));
  }

  /**
   * Over maxmemory, Redis 7.0 refuses denyoom commands, an EXEC whose queue holds one, and, inside
   * MULTI, anything but EXEC, DISCARD, QUIT and RESET (queuing would grow memory without bound).
   */
  private boolean refusesOnOom(Client c, Command cmd) {
    if (cmd.has(Command.Flag.DENYOOM)) {
      return true;
    }
    if (!c.transaction.active()) {
      return false;
    }
    return switch (cmd.name()) {
      case "exec" -> transactions.anyQueued(c, (q, argv) -> q.has(Command.Flag.DENYOOM));
      case "discard", "quit", "reset" -> false;
      default -> true;
    };
  }

  /**
   * A script suspended past busy-reply-threshold has ended: reply, then the client's next input.
   */
  private void scriptEnded(Client c) {
    c.scriptRunning = false;
    afterCommand();
    c.flush();
    c.resume();
  }

  /** Feeds MONITOR before a script's own commands (EVAL and FCALL skip the dispatcher's feed). */
  public void feedMonitors(Client c, byte[][] argv) {
    monitors.feed(c, commands.lookup(argv[0]), argv);
  }

  public static final String MISCONF =
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to"
          + " disk. Commands that may modify the data set are disabled, because this instance is"
          + " configured to report errors during writes if RDB snapshotting fails"
          + " (stop-writes-on-bgsave-error option). Please check the Redis logs for details about"
          + " the RDB error.";

  /**
   * Runs a command read from a log, as Redis runs the AOF's fake client: no checks, no statistics,
   * nothing blocks, errors and replies dropped; its effects propagate like any command's. False if
   * the command does not exist.
   */
  public boolean replay(Client c, byte[][] argv) {
    Command cmd = commands.lookup(argv[0]);
    if (cmd == null) {
      return false;
    }
    keyspace.tick();
    boolean wasInTransaction = transactions.executing();
    transactions.executing(true); // a blocking command answers at once instead of waiting
    propagation.enter(keyspace.changes());
    try {
      cmd.handler().handle(c, argv);
    } catch (CommandError e) {
      // a replayed command failing is the command's own outcome, as for Redis's AOF client
    } finally {
      transactions.executing(wasInTransaction);
    }
    propagation.exit(c.db.id, argv, keyspace.changes(), cmd.propagatesItself());
    keyspace.settle();
    var dropped = c.reply.take();
    if (dropped != null) {
      dropped.release();
    }
    return true;
  }

  /** Whether Redis 7.0 flags the command no_multi (its catalog's COMMAND INFO). */
  private static boolean noMulti(Command cmd) {
    CommandCatalog.Entry e = CommandCatalog.get().lookup(cmd.name());
    return e != null && e.flags().contains("no_multi");
  }

  /**
   * Refuses a command (Redis's rejectCommand): an open transaction is flagged, and a refused EXEC
   * (a busy script, no good replicas...) discards it, as Redis's execCommandAbort.
   */
  private void reject(Client c, Command cmd, byte[][] argv, String error) {
    if (cmd != null && c.transaction.active() && cmd.name().equals("exec")) {
      transactions.discard(c);
      error = "EXECABORT Transaction discarded because of: " + error;
    }
    c.transaction.refused();
    if (cmd != null) {
      commandStats.rejected(cmd, commandStats.of(cmd, argv), error);
    } else {
      commandStats.countError(error);
    }
    c.reply.error(error);
  }

  private static String unknownCommand(byte[][] argv) {
    StringBuilder sb = new StringBuilder("ERR unknown command '");
    sb.append(trim(argv[0])).append("', with args beginning with: ");
    for (int i = 1; i < argv.length && sb.length() < 512; i++) {
      sb.append('\'').append(trim(argv[i])).append("' ");
    }
    return sb.toString();
  }

  private static String trim(byte[] b) {
    return new String(b, 0, Math.min(b.length, 128), StandardCharsets.UTF_8);
  }

  /** Calls a command's handler with timing, statistics and error replies. */
  void call(Client c, Command cmd, byte[][] argv) {
    long start = System.nanoTime();
    Client outer = tracking.current();
    Client outerExecuting = tracking.executing();
    tracking.executing(c);
    if (!c.scripted()) {
      tracking.current(c); // a script's commands run as its caller, for tracking as in Redis
    }
    blocking.current(cmd, argv);
    c.lastCommand = cmd.name();
    c.lastArgument = argv.length > 1 ? argv[1] : null;
    propagation.enter(keyspace.changes());
    CommandStats sub = commandStats.of(cmd, argv);
    c.argv = argv;
    try {
      cmd.handler().handle(c, argv);
    } catch (CommandError e) {
      commandStats.failed(cmd, sub, e.getMessage());
      c.reply.error(e.getMessage());
    } catch (RuntimeException e) {
      // A bug must cost one command, not the connection or the server.
      log.error("cache client id={} command '{}' failed", c.id, cmd.name(), e);
      String error = "ERR internal error running '" + cmd.name() + "': " + e;
      commandStats.failed(cmd, sub, error);
      c.reply.error(error);
    }
    if (!c.blocked()) {
      c.argv = null; // a blocked client keeps its command (CLIENT LIST argv-mem), as in Redis
    }
    propagation.exit(c.db.id, argv, keyspace.changes(), cmd.propagatesItself());
    if (cmd.has(Command.Flag.READONLY)
        && !cmd.has(Command.Flag.SCRIPT)
        && !cmd.has(Command.Flag.PUBSUB)
        && tracking.remembering()) {
      // EVAL_RO / FCALL_RO are not tracked themselves: the reads their scripts make are
      tracking.remember(argv, cmd.keyPositions(argv));
    }
    c.writeOffset = replication.offset();
    long nanos = System.nanoTime() - start;
    if (!cmd.has(Command.Flag.SKIP_MONITOR)) {
      monitors.feed(c, cmd, argv);
    }
    timings.record(c, cmd, sub, argv, nanos);
    keyspace.settle();
    if (outer == null && !c.dropReply) {
      // a dropped reply (CLIENT REPLY OFF/SKIP) is cut after this: Connection sends them then
      tracking.afterCommand(c);
    }
    tracking.current(outer);
    tracking.executing(outerExecuting);
  }

  /** Serves clients blocked on keys that got data. */
  void afterCommand() {
    if (blocking.hasReady()) {
      blocking.serveReady();
    }
  }

  // ---- keyspace events ----

  @Override
  public void modified(Database db, byte[] key) {
    if (!keyspace.flushing()) {
      tracking.modified(key);
    }
    transactions.touched(db, key);
    if (blocking.hasWaiters()) {
      blocking.signal(db, key);
    }
  }

  /** After SWAPDB: clients blocked on keys that the swap brought in are served. */
  public void keysSwapped(Database a, Database b) {
    if (blocking.hasWaiters()) {
      blocking.signalExisting(a);
      blocking.signalExisting(b);
    }
  }

  @Override
  public void flushed() {
    tracking.flushed();
  }

  @Override
  public void deletedByServer(Database db, byte[] key) {
    propagation.deleted(db.id, key);
  }

  @Override
  public void event(Database db, byte[] key, char type, String event) {
    if (notifyFlags != 0) {
      Notifications.publish(this, notifyFlags, db, key, type, event);
    }
  }

  /** A keyspace notification from a command handler. */
  public void notify(Database db, byte[] key, char type, String event) {
    if (notifyFlags != 0) {
      Notifications.publish(this, notifyFlags, db, key, type, event);
    }
  }
}
