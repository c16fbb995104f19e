package dev.cairn.cache.stream;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consumer-group commands (Redis's t_stream.c): XGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM.
 * Group changes are not signalled to WATCHers, as in Redis (only XGROUP CREATE MKSTREAM, which
 * creates the key, and XGROUP DESTROY, which must wake blocked XREADGROUP clients, are).
 *
 * <p>Propagation (once it exists): XGROUP, XACK and XSETID propagate as sent; XCLAIM and XAUTOCLAIM
 * propagate one {@code XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID
 * last} per entry claimed, and per pending entry dropped because its entry was deleted, as Redis.
 */
public final class StreamGroups {
  private StreamGroups() {}

  private static final Map<String, Integer> XGROUP =
      Map.of(
          "create",
          -5,
          "setid",
          -5,
          "destroy",
          4,
          "createconsumer",
          5,
          "delconsumer",
          5,
          "help",
          2);

  /** The consumer by name, seen now, created (with its keyspace event) if new. */
  static Consumer consumer(Client c, byte[] key, ConsumerGroup g, byte[] name, long now) {
    Consumer x = g.consumers.get(name);
    if (x != null) {
      x.seenTime = now;
      return x;
    }
    x = g.addConsumer(name, now);
    Streams.notify(c, key, "xgroup-createconsumer");
    return x;
  }

  private static CommandError noGroup(byte[] key, byte[] group) {
    return new CommandError(
        "NOGROUP No such key '" + Args.str(key) + "' or consumer group '" + Args.str(group) + "'");
  }

  // ---- XGROUP ----

  public static void xgroup(Client c, byte[][] a) {
    String sub = Subcommands.check(a, "xgroup", XGROUP);
    if (sub.equals("help")) {
      Subcommands.help(
          c,
          a,
          "CREATE <key> <groupname> <id|$> [option]",
          "    Create a new consumer group. Options are:",
          "    * MKSTREAM",
          "      Create the empty stream if it does not exist.",
          "    * ENTRIESREAD entries_read",
          "      Set the group's entries_read counter (internal use).",
          "CREATECONSUMER <key> <groupname> <consumer>",
          "    Create a new consumer in the specified group.",
          "DELCONSUMER <key> <groupname> <consumer>",
          "    Remove the specified consumer.",
          "DESTROY <key> <groupname>",
          "    Remove the specified group.",
          "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
          "    Set the current group ID and entries_read counter.");
      return;
    }
    boolean create = sub.equals("create");
    boolean mkstream = false;
    long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
    for (int i = 5; i < a.length; ) {
      if (create && is(a[i], "mkstream")) {
        mkstream = true;
        i++;
      } else if ((create || sub.equals("setid")) && is(a[i], "entriesread") && i + 1 < a.length) {
        entriesRead = Args.toLong(a[i + 1]);
        if (entriesRead < 0 && entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
          throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
        }
        i += 2;
      } else {
        throw Subcommands.syntax(a);
      }
    }
    byte[] key = a[2];
    byte[] name = a[3];
    Stream s = Streams.stream(c.db().peek(key));
    ConsumerGroup g = s == null ? null : s.group(name);
    if (!mkstream) {
      if (s == null) {
        throw new CommandError(
            "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may"
                + " want to use the MKSTREAM option to create an empty stream automatically.");
      }
      if (g == null && !create && !sub.equals("destroy")) {
        throw new CommandError(
            "NOGROUP No such consumer group '"
                + Args.str(name)
                + "' for key name '"
                + Args.str(key)
                + "'");
      }
    }
    switch (sub) {
      case "create" -> {
        if (a.length > 8) {
          throw Subcommands.syntax(a);
        }
        StreamId id =
            Args.is(a[4], "$") ? (s == null ? StreamId.MIN : s.lastId) : Streams.strictId(a[4]);
        if (s == null) {
          s = new Stream();
          c.db().add(key, s);
        } else if (g == null) {
          c.db().lookupWriteQuiet(key);
        }
        if (g != null) {
          throw new CommandError("BUSYGROUP Consumer Group name already exists");
        }
        s.groups.put(name, new ConsumerGroup(id, entriesRead));
        c.reply.ok();
        Streams.notify(c, key, "xgroup-create");
      }
      case "setid" -> {
        if (a.length != 5 && a.length != 7) {
          throw Subcommands.syntax(a);
        }
        StreamId id = Args.is(a[4], "$") ? s.lastId : StreamId.parse(a[4], 0, false);
        c.db().lookupWriteQuiet(key);
        g.lastId = id;
        g.entriesRead = entriesRead;
        c.reply.ok();
        Streams.notify(c, key, "xgroup-setid");
      }
      case "destroy" -> {
        if (g == null) {
          c.reply.integer(0);
          return;
        }
        Streams.forChange(c, key); // wakes XREADGROUP clients blocked on the group
        s.groups.remove(name);
        c.reply.integer(1);
        Streams.notify(c, key, "xgroup-destroy");
      }
      case "createconsumer" -> {
        if (g.consumers.containsKey(a[4])) {
          c.reply.integer(0);
          return;
        }
        c.db().lookupWriteQuiet(key);
        consumer(c, key, g, a[4], c.server.keyspace.now());
        c.reply.integer(1);
      }
      default -> { // delconsumer
        Consumer x = g.consumers.get(a[4]);
        if (x == null) {
          c.reply.integer(0);
          return;
        }
        c.db().lookupWriteQuiet(key);
        c.reply.integer(g.deleteConsumer(x));
        Streams.notify(c, key, "xgroup-delconsumer");
      }
    }
  }

  // ---- XACK ----

  public static void xack(Client c, byte[][] a) {
    Stream s = Streams.forRead(c, a[1]);
    ConsumerGroup g = s == null ? null : s.group(a[2]);
    if (g == null) {
      c.reply.integer(0);
      return;
    }
    List<StreamId> ids = new ArrayList<>();
    for (int j = 3; j < a.length; j++) {
      ids.add(Streams.strictId(a[j]));
    }
    int acked = 0;
    for (StreamId id : ids) {
      PendingEntry p = g.pel.get(id);
      if (p != null) {
        if (acked == 0) {
          c.db().lookupWriteQuiet(a[1]);
        }
        g.acknowledge(id, p);
        acked++;
      }
    }
    c.reply.integer(acked);
  }

  // ---- XPENDING ----

  /** XPENDING key group [[IDLE min-idle] start end count [consumer]]. */
  public static void xpending(Client c, byte[][] a) {
    boolean summary = a.length == 3;
    if (!summary && (a.length < 6 || a.length > 9)) {
      throw CommandError.SYNTAX;
    }
    long minIdle = 0;
    StreamId start = null;
    StreamId end = null;
    long count = 0;
    byte[] consumerName = null;
    if (!summary) {
      int at = 3;
      if (is(a[3], "idle")) {
        minIdle = Args.toLong(a[4]);
        if (a.length < 8) {
          throw CommandError.SYNTAX;
        }
        at += 2;
      }
      count = Math.max(0, Args.toLong(a[at + 2]));
      start = Streams.bound(a[at], 0, true);
      end = Streams.bound(a[at + 1], -1L, false);
      if (at + 3 < a.length) {
        consumerName = a[at + 3];
      }
    }
    Stream s = Streams.forRead(c, a[1]);
    ConsumerGroup g = s == null ? null : s.group(a[2]);
    if (g == null) {
      throw noGroup(a[1], a[2]);
    }
    if (summary) {
      c.reply.array(4);
      c.reply.integer(g.pel.size());
      if (g.pel.isEmpty()) {
        c.reply.nullBulk();
        c.reply.nullBulk();
        c.reply.nullArray();
        return;
      }
      c.reply.bulk(g.pel.firstKey().bytes());
      c.reply.bulk(g.pel.lastKey().bytes());
      List<Consumer> owners = new ArrayList<>();
      for (Consumer x : g.consumers.values()) {
        if (!x.pel.isEmpty()) {
          owners.add(x);
        }
      }
      c.reply.array(owners.size());
      for (Consumer x : owners) {
        c.reply.array(2);
        c.reply.bulk(x.name);
        c.reply.bulkLong(x.pel.size());
      }
      return;
    }
    Map<StreamId, PendingEntry> pel = g.pel;
    if (consumerName != null) {
      Consumer x = g.consumers.get(consumerName);
      if (x == null) {
        c.reply.array(0);
        return;
      }
      pel = x.pel;
    }
    long now = c.server.keyspace.now();
    List<Map.Entry<StreamId, PendingEntry>> out = new ArrayList<>();
    if (start.compareTo(end) <= 0) {
      for (var e :
          ((java.util.NavigableMap<StreamId, PendingEntry>) pel)
              .subMap(start, true, end, true)
              .entrySet()) {
        if (out.size() >= count) {
          break;
        }
        if (minIdle != 0 && now - e.getValue().deliveryTime < minIdle) {
          continue;
        }
        out.add(e);
      }
    }
    c.reply.array(out.size());
    for (var e : out) {
      c.reply.array(4);
      c.reply.bulk(e.getKey().bytes());
      c.reply.bulk(e.getValue().consumer.name);
      c.reply.integer(Math.max(0, now - e.getValue().deliveryTime));
      c.reply.integer(e.getValue().deliveryCount);
    }
  }

  // ---- XCLAIM / XAUTOCLAIM ----

  /**
   * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE]
   * [JUSTID] [LASTID id].
   */
  public static void xclaim(Client c, byte[][] a) {
    Stream s = Streams.forRead(c, a[1]);
    ConsumerGroup g = s == null ? null : s.group(a[2]);
    if (g == null) {
      throw noGroup(a[1], a[2]);
    }
    long minIdle =
        Math.max(
            0,
            Args.toLong(a[4], new CommandError("ERR Invalid min-idle-time argument for XCLAIM")));
    List<StreamId> ids = new ArrayList<>();
    int j = 5;
    for (; j < a.length; j++) {
      StreamId id = tryStrictId(a[j]);
      if (id == null) {
        break;
      }
      ids.add(id);
    }
    long now = c.server.keyspace.now();
    long deliveryTime = -1;
    long retryCount = -1;
    boolean force = false;
    boolean justId = false;
    StreamId lastId = StreamId.MIN;
    for (; j < a.length; j++) {
      boolean more = j < a.length - 1;
      if (is(a[j], "force")) {
        force = true;
      } else if (is(a[j], "justid")) {
        justId = true;
      } else if (is(a[j], "idle") && more) {
        deliveryTime =
            now
                - Args.toLong(
                    a[++j], new CommandError("ERR Invalid IDLE option argument for XCLAIM"));
      } else if (is(a[j], "time") && more) {
        deliveryTime =
            Args.toLong(a[++j], new CommandError("ERR Invalid TIME option argument for XCLAIM"));
      } else if (is(a[j], "retrycount") && more) {
        retryCount =
            Args.toLong(
                a[++j], new CommandError("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
      } else if (is(a[j], "lastid") && more) {
        lastId = Streams.strictId(a[++j]);
      } else {
        throw new CommandError("ERR Unrecognized XCLAIM option '" + Args.str(a[j]) + "'");
      }
    }
    Claim claim = new Claim(c, a[1], s, g, a[3], now);
    if (lastId.compareTo(g.lastId) > 0) {
      claim.change();
      g.lastId = lastId;
    }
    if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) {
      deliveryTime = now;
    }
    List<StreamId> claimed = new ArrayList<>();
    for (StreamId id : ids) {
      PendingEntry p = g.pel.get(id);
      if (s.get(id) == null) {
        if (p != null) {
          claim.change();
          g.acknowledge(id, p);
        }
        continue;
      }
      if (force && p == null) {
        claim.change();
        p = new PendingEntry(now, 1);
        g.pel.put(id, p);
      }
      if (p == null) {
        continue;
      }
      if (p.consumer != null && minIdle != 0 && now - p.deliveryTime < minIdle) {
        continue;
      }
      claim.take(id, p, deliveryTime, retryCount >= 0 ? retryCount : -1, !justId);
      claimed.add(id);
    }
    claim.reply(claimed, justId);
  }

  private static StreamId tryStrictId(byte[] arg) {
    try {
      return Streams.strictId(arg);
    } catch (CommandError e) {
      return null;
    }
  }

  /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]. */
  public static void xautoclaim(Client c, byte[][] a) {
    long minIdle =
        Math.max(
            0,
            Args.toLong(
                a[4], new CommandError("ERR Invalid min-idle-time argument for XAUTOCLAIM")));
    StreamId start = Streams.bound(a[5], 0, true);
    long count = 100;
    boolean justId = false;
    CommandError badCount = new CommandError("ERR COUNT must be > 0");
    for (int j = 6; j < a.length; j++) {
      if (is(a[j], "count") && j < a.length - 1) {
        count = Args.toLong(a[++j], badCount);
        if (count < 1 || count > Long.MAX_VALUE / 16) {
          throw badCount;
        }
      } else if (is(a[j], "justid")) {
        justId = true;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Stream s = Streams.forRead(c, a[1]);
    ConsumerGroup g = s == null ? null : s.group(a[2]);
    if (g == null) {
      throw noGroup(a[1], a[2]);
    }
    long now = c.server.keyspace.now();
    Claim claim = new Claim(c, a[1], s, g, a[3], now);
    List<StreamId> claimed = new ArrayList<>();
    List<StreamId> deleted = new ArrayList<>();
    long attempts = count * 10;
    var it = new ArrayList<>(g.pel.tailMap(start, true).entrySet()).iterator();
    StreamId cursor = null;
    while (attempts-- > 0 && count > 0) {
      if (!it.hasNext()) {
        break;
      }
      var e = it.next();
      StreamId id = e.getKey();
      PendingEntry p = e.getValue();
      if (s.get(id) == null) {
        claim.change();
        g.acknowledge(id, p);
        deleted.add(id);
        count--;
        continue;
      }
      if (minIdle != 0 && now - p.deliveryTime < minIdle) {
        continue;
      }
      claim.take(id, p, now, -1, !justId);
      claimed.add(id);
      count--;
    }
    if (it.hasNext()) {
      cursor = it.next().getKey();
    }
    c.reply.array(3);
    c.reply.bulk((cursor == null ? StreamId.MIN : cursor).bytes());
    claim.reply(claimed, justId);
    c.reply.array(deleted.size());
    for (StreamId id : deleted) {
      c.reply.bulk(id.bytes());
    }
  }

  /** One XCLAIM or XAUTOCLAIM: marks the key changed once, creates the consumer on first claim. */
  private static final class Claim {
    private final Client c;
    private final byte[] key;
    private final Stream s;
    private final ConsumerGroup g;
    private final byte[] consumerName;
    private final long now;
    private Consumer consumer;
    private boolean changed;

    Claim(Client c, byte[] key, Stream s, ConsumerGroup g, byte[] consumerName, long now) {
      this.c = c;
      this.key = key;
      this.s = s;
      this.g = g;
      this.consumerName = consumerName;
      this.now = now;
    }

    void change() {
      if (!changed) {
        changed = true;
        c.db().lookupWriteQuiet(key);
      }
    }

    void take(StreamId id, PendingEntry p, long deliveryTime, long retryCount, boolean count) {
      change();
      if (consumer == null) {
        consumer = consumer(c, key, g, consumerName, now);
      }
      p.deliveryTime = deliveryTime;
      if (retryCount >= 0) {
        p.deliveryCount = retryCount;
      } else if (count) {
        p.deliveryCount++;
      }
      g.assign(id, p, consumer);
    }

    void reply(List<StreamId> claimed, boolean justId) {
      c.reply.array(claimed.size());
      for (StreamId id : claimed) {
        if (justId) {
          c.reply.bulk(id.bytes());
        } else {
          Streams.replyEntry(c, s.get(id));
        }
      }
    }
  }
}
