package dev.cairn.cache.server;

import dev.cairn.cache.acl.User;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.resp.RespWriter;
import dev.cairn.cache.tracking.ClientTracking;
import dev.cairn.cache.transaction.ClientTransaction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection's state: selected database, protocol version, authenticated user, name, MULTI
 * queue and WATCHed keys, subscriptions, and (while blocked in BLPOP & co.) what it waits for.
 * Replies go to {@link #reply}, the pending output flushed after each read batch.
 *
 * <p>Owned by the keyspace thread (the single event loop), like everything it points to.
 */
public final class Client {
  public final long id;
  public final Server server;
  public final RespWriter reply;
  final Channel channel;
  final long createdAt = System.currentTimeMillis();
  long lastInteraction = createdAt;
  Database db;
  String name;
  User user;
  boolean authenticated;
  String lastCommand = "NULL";

  /** The last command's first argument: the subcommand of CLIENT, CONFIG and the like. */
  byte[] lastArgument;

  /** Commands whose first argument is a subcommand: CLIENT LIST shows them as "client|list". */
  private static final java.util.Set<String> CONTAINERS =
      CommandCatalog.get().all().stream()
          .filter(e -> !e.subcommands().isEmpty())
          .map(CommandCatalog.Entry::name)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** The command running now, or the one a blocked client waits in (CLIENT LIST argv-mem). */
  byte[][] argv;

  /** Input received and not yet run, and its buffer's free room (CLIENT LIST qbuf, qbuf-free). */
  long queryBuffered;

  long queryFree;

  /** The last command as CLIENT LIST names it (computed here, not on every command). */
  String lastCommandName() {
    return lastArgument != null && CONTAINERS.contains(lastCommand)
        ? lastCommand + "|" + Args.lower(lastArgument)
        : lastCommand;
  }

  boolean noEvict;
  boolean closeAfterReply;

  /** CLIENT REPLY OFF: nothing is sent to this client. */
  boolean repliesOff;

  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  boolean skipNextReply;

  /**
   * The reply of the command running now is dropped (CLIENT REPLY OFF, or SKIP before it). CLIENT
   * REPLY ON clears it, so ON answers OK, and so do pub/sub confirmations ({@link #pushReply}).
   */
  boolean dropReply;

  boolean closed;

  /** Its EVAL/FCALL outlived busy-reply-threshold and runs on: its further input waits. */
  boolean scriptRunning;

  /** MULTI's queue and the WATCHed keys. */
  public final ClientTransaction transaction = new ClientTransaction();

  /** CLIENT TRACKING's state for this connection. */
  public final ClientTracking tracking = new ClientTracking();

  final Set<String> channels = new LinkedHashSet<>();
  final Set<String> patterns = new LinkedHashSet<>();
  final Set<String> shardChannels = new LinkedHashSet<>();

  /** While blocked: the command to retry, the keys waited on and the timeout timer. */
  byte[][] blockedArgv;

  Command blockedCommand;
  List<byte[]> blockedKeys;
  Database blockedDb;
  ScheduledFuture<?> blockTimer;

  /** The command waiting for a CLIENT PAUSE to end, null otherwise. */
  byte[][] pausedArgv;

  /** The replication offset right after this client's last command (what WAIT waits for). */
  public long writeOffset;

  /** Continues parsing buffered input after the client was unblocked. */
  Runnable resumer;

  /** Set while a handler runs from the blocked-client retry path: do not block again. */
  boolean retrying;

  Client(long id, Server server, Channel channel) {
    this.id = id;
    this.server = server;
    this.channel = channel;
    this.reply = new RespWriter(channel.alloc());
  }

  /** The connection, for a replica's stream written past the reply buffer. */
  public Channel channel() {
    return channel;
  }

  /**
   * Ends a block no key ends (WAIT), its reply already written: the reply goes out and the client's
   * further input runs.
   */
  public void wake() {
    server.blocking.unblock(this);
    flush();
    resume();
  }

  /**
   * The connection-less client a script's {@code redis.call} runs as (Redis's script client): its
   * replies stay in {@link #reply} for the script to read; it is in no client list.
   */
  public static Client forScripts(Server server) {
    return new Client(0, server, io.netty.buffer.ByteBufAllocator.DEFAULT);
  }

  private Client(long id, Server server, io.netty.buffer.ByteBufAllocator alloc) {
    this.id = id;
    this.server = server;
    this.channel = null;
    this.reply = new RespWriter(alloc);
  }

  /** Whether this is a script's client ({@link #forScripts}), not a connection. */
  public boolean scripted() {
    return channel == null;
  }

  /** Runs {@code argv} as this client, through the same dispatch as a connection's command. */
  public void call(Command cmd, byte[][] argv) {
    server.call(this, cmd, argv);
  }

  public Database db() {
    return db;
  }

  public void select(Database db) {
    this.db = db;
  }

  public String name() {
    return name;
  }

  public User user() {
    return user;
  }

  /** The user a script's commands run as: its caller's. */
  public void user(User u) {
    this.user = u;
  }

  public boolean inMulti() {
    return transaction.active();
  }

  public boolean blocked() {
    return blockedArgv != null;
  }

  /** Blocked in a command or held by CLIENT PAUSE: its further input waits. */
  boolean waiting() {
    return blockedArgv != null || pausedArgv != null || scriptRunning;
  }

  public Set<String> subscribedChannels() {
    return channels;
  }

  public Set<String> subscribedPatterns() {
    return patterns;
  }

  public Set<String> subscribedShardChannels() {
    return shardChannels;
  }

  /** Channel and pattern subscriptions (SUBSCRIBE's count). */
  public int subscriptions() {
    return channels.size() + patterns.size();
  }

  /** Shard-channel subscriptions (SSUBSCRIBE's count). */
  public int shardSubscriptions() {
    return shardChannels.size();
  }

  /** In subscribed mode: any kind of subscription. */
  public boolean subscribed() {
    return subscriptions() + shardSubscriptions() > 0;
  }

  /** Whether a command may block now (not inside MULTI/EXEC, not a retry that found nothing). */
  public boolean canBlock() {
    return channel != null && !server.transactions.executing() && !transaction.active();
  }

  /**
   * Parks this client until one of {@code keys} gets data or {@code timeoutMillis} passes (0 =
   * forever); the command will be retried then. No reply is written now.
   */
  public void block(List<byte[]> keys, long timeoutMillis) {
    server.blocking.block(this, keys, timeoutMillis, null);
  }

  /**
   * As {@link #block(List, long)}, retrying {@code retryArgv} instead of the command as sent (XREAD
   * resolves "$" to the stream's last ID when it blocks, so the retry waits for entries after it).
   */
  public void block(List<byte[]> keys, long timeoutMillis, byte[][] retryArgv) {
    server.blocking.block(this, keys, timeoutMillis, retryArgv);
  }

  /** Whether the running command is the retry of a blocked command after its keys changed. */
  public boolean retryingBlocked() {
    return retrying;
  }

  void resume() {
    if (resumer != null && !closed && channel != null) {
      channel.eventLoop().execute(resumer);
    }
  }

  public String address() {
    if (channel == null) {
      return "lua";
    }
    InetSocketAddress a = (InetSocketAddress) channel.remoteAddress();
    return a == null ? "?:0" : a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /**
   * Whether a "no | yes | local" gate (enable-debug-command, enable-protected-configs) lets this
   * client through: "local" admits loopback connections, as Redis admits them.
   */
  public boolean permittedBy(String gate) {
    return switch (gate) {
      case "yes" -> true;
      case "local" ->
          channel != null
              && channel.remoteAddress() instanceof InetSocketAddress a
              && a.getAddress() != null
              && a.getAddress().isLoopbackAddress();
      default -> false;
    };
  }

  String localAddress() {
    if (channel == null) {
      return "";
    }
    InetSocketAddress a = (InetSocketAddress) channel.localAddress();
    return a == null ? "?:0" : a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /**
   * This command's output is pushed whatever CLIENT REPLY says, as Redis pushes subscribe and
   * unsubscribe confirmations (published messages are never a command's reply): a client that
   * turned replies off still learns its subscriptions, or it would wait for them forever.
   */
  public void pushReply() {
    dropReply = false;
  }

  /** Sends pending output now (replies to this client written outside its own read batch). */
  public void flush() {
    if (channel == null || (reply.pending() > 0 && server.heldReplies.hold(this))) {
      return;
    }
    ByteBuf out = reply.take();
    if (out != null) {
      if (closed) {
        out.release();
        return;
      }
      server.stats.writesProcessed++;
      server.stats.netOutputBytes += out.readableBytes();
      channel.writeAndFlush(out, channel.voidPromise());
      server.clients.checkOutputLimit(this);
    }
  }

  /** Replies with the error, flushes and closes the connection. */
  public void closeWithError(String error) {
    reply.error(error);
    flush();
    close();
  }

  /**
   * Redis's addReplyHelp: "CMD <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", the
   * lines, then HELP, each as a status line.
   */
  public void replyHelp(String command, List<String> lines) {
    reply.array(lines.size() + 3);
    reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String l : lines) {
      reply.simple(l);
    }
    reply.simple("HELP");
    reply.simple("    Prints this help.");
  }

  /** Closes the connection once the current command's reply is written. */
  public void closeAfterReply() {
    closeAfterReply = true;
  }

  public void close() {
    if (!closed && channel != null) {
      server.heldReplies.beforeClose(this);
      closed = true;
      channel.close();
    }
  }

  long outputPending() {
    if (channel == null) {
      return reply.pending();
    }
    var ob = channel.unsafe().outboundBuffer();
    return (ob == null ? 0 : ob.totalPendingWriteBytes()) + reply.pending();
  }

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
