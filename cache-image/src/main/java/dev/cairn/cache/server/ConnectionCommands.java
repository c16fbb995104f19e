package dev.cairn.cache.server;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.acl.User;
import dev.cairn.cache.pubsub.PubSub;
import dev.cairn.cache.tracking.TrackingCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, and the CLIENT family. Also pub/sub,
 * which is per connection state too.
 */
public final class ConnectionCommands {
  /**
   * The Redis version we speak (clients pick features by it): 7.0.15, Debian's redis-server, the
   * reference the differential tests compare every reply with.
   */
  public static final String REDIS_VERSION = "7.0.15";

  /**
   * Redis 7.0's arity of each CLIENT subcommand (negative: at least), checked before the subcommand
   * runs, so a wrong count answers "wrong number of arguments for 'client|x'" as Redis does.
   */
  private static final Map<String, Integer> CLIENT_ARITY =
      Map.ofEntries(
          Map.entry("id", 2),
          Map.entry("getname", 2),
          Map.entry("getredir", 2),
          Map.entry("trackinginfo", 2),
          Map.entry("info", 2),
          Map.entry("unpause", 2),
          Map.entry("help", 2),
          Map.entry("setname", 3),
          Map.entry("reply", 3),
          Map.entry("no-evict", 3),
          Map.entry("caching", 3),
          Map.entry("kill", -3),
          Map.entry("list", -2),
          Map.entry("pause", -3),
          Map.entry("tracking", -3),
          Map.entry("unblock", -3));

  private static final CommandError TIMEOUT_ERROR =
      new CommandError("ERR timeout is not an integer or out of range");

  private ConnectionCommands() {}

  public static void ping(Client c, byte[][] a) {
    if (a.length > 2) {
      throw Args.wrongArgs("ping");
    }
    if (c.subscribed() && c.reply.protocol() == 2) {
      c.reply.array(2);
      c.reply.bulk("pong");
      c.reply.bulk(a.length == 2 ? a[1] : new byte[0]);
    } else if (a.length == 2) {
      c.reply.bulk(a[1]);
    } else {
      c.reply.simple("PONG");
    }
  }

  public static void echo(Client c, byte[][] a) {
    c.reply.bulk(a[1]);
  }

  public static void quit(Client c, byte[][] a) {
    c.reply.ok();
    c.closeAfterReply = true;
  }

  /** MONITOR: from now on, this client receives every command the server runs. */
  public static void monitor(Client c, byte[][] a) {
    if (c.server.monitors.add(c)) {
      c.reply.ok();
    }
  }

  public static void reset(Client c, byte[][] a) {
    c.server.monitors.remove(c);
    c.server.transactions.discard(c);
    c.server.pubsub.unsubscribeAll(c);
    c.server.tracking.disable(c);
    c.db = c.server.keyspace.db(0);
    c.reply.protocol(2);
    c.name = null;
    c.noEvict = false;
    c.user = c.server.acl.defaultUser();
    c.authenticated = !c.user.requiresPassword();
    c.reply.simple("RESET");
  }

  /** AUTH [username] password. */
  public static void auth(Client c, byte[][] a) {
    if (a.length > 3) {
      throw CommandError.SYNTAX;
    }
    if (a.length == 2 && !c.server.acl.defaultUser().requiresPassword()) {
      throw new CommandError(
          "ERR AUTH <password> called without any password configured for the default user. Are"
              + " you sure your configuration is correct?");
    }
    String user = a.length == 3 ? Args.str(a[1]) : "default";
    authenticate(c, a[0], user, Args.str(a[a.length - 1]));
    c.reply.ok();
  }

  /** A failed attempt is logged in ACL LOG under the command's name as sent (AUTH, HELLO). */
  private static void authenticate(Client c, byte[] command, String userName, String password) {
    User u = c.server.acl.user(userName);
    if (u == null || !u.checkPassword(password)) {
      c.server.logAclRefusal(
          c, "auth", c.inMulti() ? "multi" : "toplevel", Args.str(command), userName);
      throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    c.user = u;
    c.authenticated = true;
  }

  /** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
  public static void hello(Client c, byte[][] a) {
    int proto = c.reply.protocol();
    int i = 1;
    if (a.length > 1) {
      Long v = Args.tryLong(a[1]);
      if (v == null) {
        throw new CommandError("ERR Protocol version is not an integer or out of range");
      }
      if (v != 2 && v != 3) {
        throw new CommandError("NOPROTO unsupported protocol version");
      }
      proto = v.intValue();
      i = 2;
    }
    String setName = null;
    boolean authGiven = false;
    for (; i < a.length; i++) {
      if (is(a[i], "auth") && i + 2 < a.length) {
        authenticate(c, a[0], Args.str(a[i + 1]), Args.str(a[i + 2]));
        authGiven = true;
        i += 2;
      } else if (is(a[i], "setname") && i + 1 < a.length) {
        setName = checkName(a[++i]);
      } else {
        throw new CommandError("ERR Syntax error in HELLO option '" + Args.str(a[i]) + "'");
      }
    }
    if (!c.authenticated && !authGiven) {
      throw new CommandError(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO"
              + " <proto> AUTH <user> <pass> option can be used to authenticate the client and"
              + " select the RESP protocol version at the same time");
    }
    if (setName != null) {
      c.name = setName.isEmpty() ? null : setName;
    }
    c.reply.protocol(proto);
    c.reply.map(7);
    c.reply.bulk("server");
    c.reply.bulk("redis");
    c.reply.bulk("version");
    c.reply.bulk(REDIS_VERSION);
    c.reply.bulk("proto");
    c.reply.integer(proto);
    c.reply.bulk("id");
    c.reply.integer(c.id);
    c.reply.bulk("mode");
    c.reply.bulk("standalone");
    c.reply.bulk("role");
    c.reply.bulk("master");
    c.reply.bulk("modules");
    c.reply.array(0);
  }

  private static String checkName(byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        throw new CommandError(
            "ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return Args.str(name);
  }

  // ---- CLIENT ----

  public static void client(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    Integer arity = CLIENT_ARITY.get(sub);
    if (arity != null && (arity > 0 ? a.length != arity : a.length < -arity)) {
      throw Args.wrongArgs("client|" + sub);
    }
    switch (sub) {
      case "id" -> c.reply.integer(c.id);
      case "setname" -> {
        expect(a, 3, "setname");
        String n = checkName(a[2]);
        c.name = n.isEmpty() ? null : n;
        c.reply.ok();
      }
      case "getname" -> c.reply.bulk(c.name);
      case "setinfo" -> {
        expect(a, 4, "setinfo");
        c.reply.ok();
      }
      case "info" -> c.reply.verbatim(describe(c) + "\n");
      case "list" -> {
        StringBuilder sb = new StringBuilder();
        String type = null;
        java.util.Set<Long> ids = null;
        if (a.length == 4 && is(a[2], "type")) {
          type = clientType(a[3]);
        } else if (a.length > 3 && is(a[2], "id")) {
          ids = new java.util.HashSet<>();
          for (int i = 3; i < a.length; i++) {
            Long id = Args.tryLong(a[i]);
            if (id == null || id <= 0) {
              throw new CommandError("ERR Invalid client ID");
            }
            ids.add(id);
          }
        } else if (a.length != 2) {
          throw CommandError.SYNTAX;
        }
        for (Client x : c.server.clients.all()) {
          if (type != null && !type.equals(typeOf(x))) {
            continue;
          }
          if (ids != null && !ids.contains(x.id)) {
            continue;
          }
          sb.append(describe(x)).append('\n');
        }
        c.reply.verbatim(sb.toString());
      }
      case "kill" -> kill(c, a);
      case "tracking" -> TrackingCommands.tracking(c, a);
      case "caching" -> TrackingCommands.caching(c, a);
      case "getredir" -> TrackingCommands.getredir(c, a);
      case "trackinginfo" -> TrackingCommands.trackinginfo(c, a);
      case "pause" -> {
        if (a.length < 3 || a.length > 4) {
          throw Args.wrongArgs("client|pause");
        }
        long millis = Args.toLong(a[2], TIMEOUT_ERROR);
        if (millis < 0) {
          throw TIMEOUT_ERROR;
        }
        boolean all = true;
        if (a.length == 4) {
          if (is(a[3], "write")) {
            all = false;
          } else if (!is(a[3], "all")) {
            throw CommandError.SYNTAX;
          }
        }
        c.server.pause.pause(c, millis, all);
        c.reply.ok();
      }
      case "unpause" -> {
        c.reply.ok();
        c.server.pause.end();
      }
      case "no-evict" -> {
        expect(a, 3, "no-evict");
        c.noEvict = onOff(a[2]);
        c.reply.ok();
      }
      case "reply" -> {
        expect(a, 3, "reply");
        if (is(a[2], "on")) {
          c.repliesOff = false;
          c.dropReply = false;
          c.reply.ok();
        } else if (is(a[2], "off")) {
          // replies already written in this batch still go out: only later commands' are dropped
          c.repliesOff = true;
        } else if (is(a[2], "skip")) {
          c.skipNextReply = !c.repliesOff;
        } else {
          throw CommandError.SYNTAX;
        }
      }
      case "no-touch" -> {
        expect(a, 3, "no-touch");
        onOff(a[2]);
        c.reply.ok();
      }
      case "unblock" -> {
        if (a.length > 4) {
          throw new CommandError(
              "ERR unknown subcommand or wrong number of arguments for '"
                  + Args.str(a[1])
                  + "'. Try CLIENT HELP.");
        }
        Client target = c.server.clients.get(Args.toLong(a[2]));
        boolean error = a.length == 4 && is(a[3], "error");
        if (a.length == 4 && !error && !is(a[3], "timeout")) {
          throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
        }
        if (target != null && target.blocked()) {
          c.server.blocking.unblock(target);
          if (error) {
            target.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
          } else {
            target.reply.nullArray();
          }
          target.flush();
          target.resume();
          c.reply.integer(1);
        } else {
          c.reply.integer(0);
        }
      }
      case "help" -> {
        List<byte[]> lines = new ArrayList<>();
        for (String l :
            List.of(
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ID",
                "GETNAME",
                "SETNAME <name>",
                "SETINFO <option> <value>",
                "REPLY (ON|OFF|SKIP)",
                "INFO",
                "LIST [TYPE normal|pubsub]",
                "KILL <ip:port> | KILL [ID id] [ADDR ip:port] [LADDR ip:port] [USER name]"
                    + " [SKIPME yes|no]",
                "NO-EVICT on|off",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN]"
                    + " [OPTOUT] [NOLOOP]",
                "CACHING (YES|NO)",
                "GETREDIR",
                "TRACKINGINFO",
                "UNBLOCK <id> [TIMEOUT|ERROR]")) {
          lines.add(Args.bytes(l));
        }
        c.reply.bulks(lines, lines.size());
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try CLIENT HELP.");
    }
  }

  private static void expect(byte[][] a, int n, String sub) {
    if (a.length != n) {
      throw new CommandError(
          "ERR unknown subcommand or wrong number of arguments for '"
              + sub
              + "'. Try CLIENT HELP.");
    }
  }

  private static boolean onOff(byte[] arg) {
    if (is(arg, "on")) {
      return true;
    }
    if (is(arg, "off")) {
      return false;
    }
    throw CommandError.SYNTAX;
  }

  /**
   * A client's buffers as CLIENT LIST reports them: input not yet run (qbuf) and the free room of
   * its buffer; the arguments of the command it runs or is blocked in (argv-mem) and of its queued
   * MULTI commands (multi-mem); the reply being written (rbs its buffer, rbp its recent peak, obl
   * its bytes) and the replies handed to the socket but not yet sent (oll entries, omem bytes: what
   * client-output-buffer-limit bounds).
   */
  record ClientMemory(
      long qbuf,
      long qbufFree,
      long argvMem,
      long multiMem,
      long rbs,
      long rbp,
      long obl,
      long oll,
      long omem) {
    long total() {
      return qbuf + qbufFree + argvMem + multiMem + rbs + obl + omem;
    }
  }

  static ClientMemory memory(Client x) {
    long argvMem = 0;
    if (x.argv != null) {
      for (byte[] arg : x.argv) {
        argvMem += arg.length;
      }
    }
    long multiMem = x.transaction.queuedBytes();
    long oll = 0;
    long omem = 0;
    var outbound = x.channel == null ? null : x.channel.unsafe().outboundBuffer();
    if (outbound != null) {
      oll = outbound.size(); // read from the keyspace thread: an instant's view is enough here
      omem = outbound.totalPendingWriteBytes();
    }
    return new ClientMemory(
        x.queryBuffered,
        x.queryFree,
        argvMem,
        multiMem,
        x.reply.capacity(),
        x.reply.peak(),
        x.reply.pending(),
        oll,
        omem);
  }

  /** The socket's file descriptor with the native transport, -1 otherwise (NIO, scripts). */
  private static int fd(Client x) {
    return x.channel instanceof io.netty.channel.unix.UnixChannel u ? u.fd().intValue() : -1;
  }

  /** One CLIENT LIST / CLIENT INFO line, Redis 7.0's fields in its order. */
  public static String describe(Client x) {
    long now = System.currentTimeMillis();
    String flags =
        (x.server.monitors.contains(x) ? "O" : "")
            + (x.subscribed() ? "P" : "")
            + (x.inMulti() ? "x" : "")
            + (x.blocked() ? "b" : "")
            + x.tracking.flags()
            + (x.transaction.dirty() ? "d" : "")
            + (x.closeAfterReply ? "c" : "")
            + (x.noEvict ? "e" : "");
    ClientMemory m = memory(x);
    boolean writing = m.omem() > 0;
    return "id="
        + x.id
        + " addr="
        + x.address()
        + " laddr="
        + x.localAddress()
        + " fd="
        + fd(x)
        + " name="
        + (x.name == null ? "" : x.name)
        + " age="
        + (now - x.createdAt) / 1000
        + " idle="
        + (now - x.lastInteraction) / 1000
        + " flags="
        + (flags.isEmpty() ? "N" : flags)
        + " db="
        + x.db.id
        + " sub="
        + x.channels.size()
        + " psub="
        + x.patterns.size()
        + " ssub="
        + x.shardChannels.size()
        + " multi="
        + x.transaction.queued()
        + " qbuf="
        + m.qbuf()
        + " qbuf-free="
        + m.qbufFree()
        + " argv-mem="
        + m.argvMem()
        + " multi-mem="
        + m.multiMem()
        + " rbs="
        + m.rbs()
        + " rbp="
        + m.rbp()
        + " obl="
        + m.obl()
        + " oll="
        + m.oll()
        + " omem="
        + m.omem()
        + " tot-mem="
        + m.total()
        + " events="
        + (writing ? "rw" : "r")
        + " cmd="
        + x.lastCommandName()
        + " user="
        + x.user.name()
        + " redir="
        + x.tracking.redirect()
        + " resp="
        + x.reply.protocol();
  }

  private static void kill(Client c, byte[][] a) {
    if (a.length < 3) {
      throw Args.wrongArgs("client|kill");
    }
    if (a.length == 3) {
      String addr = Args.str(a[2]);
      for (Client x : List.copyOf(clientList(c))) {
        if (x.address().equals(addr)) {
          x.close();
          c.reply.ok();
          return;
        }
      }
      throw new CommandError("ERR No such client");
    }
    if (a.length % 2 != 0) {
      throw CommandError.SYNTAX;
    }
    Long id = null;
    String addr = null;
    String laddr = null;
    String user = null;
    boolean skipMe = true;
    String type = null;
    for (int i = 2; i < a.length; i += 2) {
      String v = Args.str(a[i + 1]);
      if (is(a[i], "id")) {
        id = Args.tryLong(a[i + 1]);
        if (id == null) {
          throw new CommandError("ERR client-id should be greater than 0");
        }
      } else if (is(a[i], "addr")) {
        addr = v;
      } else if (is(a[i], "laddr")) {
        laddr = v;
      } else if (is(a[i], "user")) {
        user = v;
      } else if (is(a[i], "skipme")) {
        skipMe = onOffYesNo(a[i + 1]);
      } else if (is(a[i], "type")) {
        type = clientType(a[i + 1]);
      } else {
        throw CommandError.SYNTAX;
      }
    }
    int killed = 0;
    // the link to the primary is no client connection here, but Redis lists and kills it as one
    if ("master".equals(type)
        && id == null
        && addr == null
        && laddr == null
        && user == null
        && c.server.replication.dropPrimaryConnection()) {
      killed++;
    }
    for (Client x : List.copyOf(clientList(c))) {
      if ((type != null && !type.equals(typeOf(x)))
          || (id != null && x.id != id)
          || (addr != null && !x.address().equals(addr))
          || (laddr != null && !x.localAddress().equals(laddr))
          || (user != null && !x.user.name().equals(user))
          || (skipMe && x == c)) {
        continue;
      }
      if (x == c) {
        c.closeAfterReply = true;
      } else {
        x.close();
      }
      killed++;
    }
    c.reply.integer(killed);
  }

  /** A TYPE argument of CLIENT LIST/KILL, "replica" spelled as Redis's own "slave". */
  private static String clientType(byte[] arg) {
    String type = Args.lower(arg);
    return switch (type) {
      case "normal", "pubsub", "master" -> type;
      case "replica", "slave" -> "slave";
      default -> throw new CommandError("ERR Unknown client type '" + Args.str(arg) + "'");
    };
  }

  private static String typeOf(Client x) {
    if (x.server.replication.isReplica(x)) {
      return "slave";
    }
    return x.subscribed() ? "pubsub" : "normal";
  }

  private static boolean onOffYesNo(byte[] v) {
    if (is(v, "yes")) {
      return true;
    }
    if (is(v, "no")) {
      return false;
    }
    throw CommandError.SYNTAX;
  }

  private static List<Client> clientList(Client c) {
    List<Client> out = new ArrayList<>();
    c.server.clients.all().forEach(out::add);
    return out;
  }

  // ---- pub/sub ----

  public static void subscribe(Client c, byte[][] a) {
    c.server.pubsub.subscribe(c, c.channels, PubSub.Kind.CHANNEL, a, 1);
  }

  public static void psubscribe(Client c, byte[][] a) {
    c.server.pubsub.subscribe(c, c.patterns, PubSub.Kind.PATTERN, a, 1);
  }

  public static void unsubscribe(Client c, byte[][] a) {
    c.server.pubsub.unsubscribe(c, c.channels, PubSub.Kind.CHANNEL, a, 1);
  }

  public static void punsubscribe(Client c, byte[][] a) {
    c.server.pubsub.unsubscribe(c, c.patterns, PubSub.Kind.PATTERN, a, 1);
  }

  public static void publish(Client c, byte[][] a) {
    c.reply.integer(c.server.pubsub.publish(a[1], a[2]));
  }

  public static void ssubscribe(Client c, byte[][] a) {
    c.server.pubsub.subscribe(c, c.shardChannels, PubSub.Kind.SHARD, a, 1);
  }

  public static void sunsubscribe(Client c, byte[][] a) {
    c.server.pubsub.unsubscribe(c, c.shardChannels, PubSub.Kind.SHARD, a, 1);
  }

  public static void spublish(Client c, byte[][] a) {
    c.reply.integer(c.server.pubsub.publishShard(a[1], a[2]));
  }

  private static void channels(Client c, byte[][] a, java.util.Set<String> names) {
    List<byte[]> out = new ArrayList<>();
    for (String ch : names) {
      byte[] b = ch.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      if (a.length < 3 || dev.cairn.cache.db.Glob.match(a[2], b, false)) {
        out.add(b);
      }
    }
    c.reply.bulks(out, out.size());
  }

  private static void numsub(Client c, byte[][] a, PubSub.Kind kind) {
    c.reply.map(a.length - 2);
    for (int i = 2; i < a.length; i++) {
      c.reply.bulk(a[i]);
      c.reply.integer(
          c.server.pubsub.subscribers(
              kind, new String(a[i], java.nio.charset.StandardCharsets.ISO_8859_1)));
    }
  }

  /** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | SHARDCHANNELS | SHARDNUMSUB. */
  public static void pubsub(Client c, byte[][] a) {
    String sub = Args.lower(a[1]);
    switch (sub) {
      case "channels" -> channels(c, a, c.server.pubsub.channels());
      case "shardchannels" -> channels(c, a, c.server.pubsub.shardChannels());
      case "numsub" -> numsub(c, a, PubSub.Kind.CHANNEL);
      case "shardnumsub" -> numsub(c, a, PubSub.Kind.SHARD);
      case "numpat" -> c.reply.integer(c.server.pubsub.patternCount());
      case "help" -> {
        c.replyHelp(
            "PUBSUB",
            List.of(
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern>"
                    + " (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)"));
      }
      default ->
          throw new CommandError(
              "ERR unknown subcommand '" + Args.str(a[1]) + "'. Try PUBSUB HELP.");
    }
  }
}
