package dev.cairn.cache.stream;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * XREAD and XREADGROUP (one parser and server, as Redis's xreadCommand). A read serves every stream
 * that has something for it at once; otherwise, with BLOCK, the client waits on the keys and the
 * command is retried when one changes (see {@code Blocking}) — XREAD with "$" as the stream's last
 * ID at the time it blocked. Inside MULTI, or from a retry that finds nothing, it does not block:
 * MULTI answers null as if the timeout passed. A blocked XREADGROUP whose key is deleted or
 * replaced, or whose group is destroyed, gets Redis's UNBLOCKED / NOGROUP error.
 *
 * <p>Propagation (once it exists): XREADGROUP propagates as Redis does — an {@code XCLAIM key group
 * consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID last} per delivered entry, {@code XGROUP
 * SETID key group last ENTRIESREAD n} with NOACK, and {@code XGROUP CREATECONSUMER} for a consumer
 * created under NOACK; XREAD propagates nothing.
 */
public final class StreamReads {
  private StreamReads() {}

  /** Redis's XREAD_BLOCKED_DEFAULT_COUNT: a blocked read without COUNT is served this many. */
  private static final int BLOCKED_DEFAULT_COUNT = 1000;

  public static void xread(Client c, byte[][] a) {
    read(c, a, false);
  }

  public static void xreadgroup(Client c, byte[][] a) {
    read(c, a, true);
  }

  /** A stream with something for the reader: its key and the reply of its entries. */
  private record Served(byte[] key, Runnable body) {}

  private static void read(Client c, byte[][] a, boolean xreadgroup) {
    long timeout = -1;
    long count = 0;
    int streamsAt = 0;
    boolean noack = false;
    byte[] groupName = null;
    byte[] consumerName = null;
    for (int i = 1; i < a.length; i++) {
      int more = a.length - i - 1;
      if (is(a[i], "block") && more > 0) {
        if (c.scripted()) {
          // as Redis: refused outright rather than run as a non-blocking read
          throw new CommandError(
              "ERR " + Args.str(a[0]) + " command is not allowed with BLOCK option from scripts");
        }
        timeout = blockTimeout(a[++i]);
      } else if (is(a[i], "count") && more > 0) {
        count = Math.max(0, Args.toLong(a[++i]));
      } else if (is(a[i], "streams") && more > 0) {
        streamsAt = i + 1;
        if ((a.length - streamsAt) % 2 != 0) {
          throw new CommandError(
              "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be"
                  + " specified.");
        }
        break;
      } else if (is(a[i], "group") && more >= 2) {
        if (!xreadgroup) {
          throw new CommandError(
              "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        }
        groupName = a[i + 1];
        consumerName = a[i + 2];
        i += 2;
      } else if (is(a[i], "noack")) {
        if (!xreadgroup) {
          throw new CommandError(
              "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        }
        noack = true;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (streamsAt == 0) {
      throw CommandError.SYNTAX;
    }
    if (xreadgroup && groupName == null) {
      throw new CommandError("ERR Missing GROUP option for XREADGROUP");
    }
    boolean retry = c.retryingBlocked();
    int n = (a.length - streamsAt) / 2;
    StreamId[] ids = new StreamId[n];
    ConsumerGroup[] groups = new ConsumerGroup[n];
    boolean[] newOnly = new boolean[n];
    byte[][] retryArgv = null;
    for (int i = 0; i < n; i++) {
      byte[] key = a[streamsAt + i];
      byte[] arg = a[streamsAt + n + i];
      Stream s = lookup(c, key, retry, groupName != null);
      if (groupName != null) {
        ConsumerGroup g = s == null ? null : s.group(groupName);
        if (g == null) {
          throw retry
              ? new CommandError(
                  "NOGROUP the consumer group this client was blocked on no longer exists")
              : new CommandError(
                  "NOGROUP No such key '"
                      + Args.str(key)
                      + "' or consumer group '"
                      + Args.str(groupName)
                      + "' in XREADGROUP with GROUP option");
        }
        groups[i] = g;
      }
      if (arg.length == 1 && arg[0] == '$') {
        if (xreadgroup) {
          throw new CommandError(
              "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the"
                  + " history of this consumer by specifying a proper ID, or use the > ID to get"
                  + " new messages. The $ ID would just return an empty result set.");
        }
        ids[i] = s == null ? StreamId.MIN : s.lastId;
        if (retryArgv == null) {
          retryArgv = a.clone();
        }
        retryArgv[streamsAt + n + i] = ids[i].bytes();
      } else if (arg.length == 1 && arg[0] == '>') {
        if (!xreadgroup) {
          throw new CommandError(
              "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group>"
                  + " <consumer> option.");
        }
        newOnly[i] = true;
      } else {
        ids[i] = Streams.strictId(arg);
      }
    }
    if (retry && count == 0) {
      count = BLOCKED_DEFAULT_COUNT;
    }
    List<Served> served = new ArrayList<>();
    long now = c.server.keyspace.now();
    for (int i = 0; i < n; i++) {
      byte[] key = a[streamsAt + i];
      Stream s = lookup(c, key, retry, groupName != null);
      if (s == null) {
        continue;
      }
      ConsumerGroup g = groups[i];
      boolean history = g != null && !newOnly[i];
      StreamId after = ids[i];
      if (g != null && newOnly[i]) {
        if (s.length == 0 || s.lastValidId().compareTo(g.lastId) <= 0) {
          continue;
        }
        after = g.lastId;
      } else if (g == null && (s.length == 0 || s.lastValidId().compareTo(after) <= 0)) {
        continue;
      }
      StreamId start = after.next();
      Runnable body;
      if (g == null) {
        List<StreamEntry> entries =
            start == null ? List.of() : s.range(start, StreamId.MAX, count, false);
        body = () -> Streams.replyEntries(c, entries);
      } else {
        Stream changed = Streams.stream(c.db().lookupWriteQuiet(key));
        Consumer consumer = StreamGroups.consumer(c, key, g, consumerName, now);
        body =
            history
                ? historyReply(c, changed, consumer, start, count, now)
                : deliver(c, changed, g, consumer, start, count, noack, now);
      }
      served.add(new Served(key, body));
    }
    if (!served.isEmpty()) {
      if (c.reply.protocol() == 2) {
        c.reply.array(served.size());
      } else {
        c.reply.map(served.size());
      }
      for (Served x : served) {
        if (c.reply.protocol() == 2) {
          c.reply.array(2);
        }
        c.reply.bulk(x.key());
        x.body().run();
      }
      return;
    }
    if (timeout != -1) {
      if (!c.canBlock()) {
        c.reply.nullArray();
        return;
      }
      c.block(Arrays.asList(Arrays.copyOfRange(a, streamsAt, streamsAt + n)), timeout, retryArgv);
      return;
    }
    c.reply.nullArray();
  }

  /**
   * The stream under a key for reading. A retry skips a key that no longer holds a stream (XREAD
   * goes on waiting), and fails XREADGROUP, whose group went with the key.
   */
  private static Stream lookup(Client c, byte[] key, boolean retry, boolean group) {
    if (!retry) {
      return Streams.forRead(c, key);
    }
    var e = c.db().lookupRead(key);
    if (e != null && e.value instanceof Stream s) {
      return s;
    }
    if (group) {
      throw new CommandError("UNBLOCKED the stream key no longer exists");
    }
    return null;
  }

  private static long blockTimeout(byte[] arg) {
    long ms = Args.toLong(arg, new CommandError("ERR timeout is not an integer or out of range"));
    if (ms < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    return ms;
  }

  /**
   * Delivers entries after {@code start} to a consumer: the group's last ID and read counter
   * advance, and each entry becomes pending for the consumer unless NOACK (an entry already pending
   * for another consumer moves, its delivery count reset).
   */
  private static Runnable deliver(
      Client c,
      Stream s,
      ConsumerGroup g,
      Consumer consumer,
      StreamId start,
      long count,
      boolean noack,
      long now) {
    List<StreamEntry> entries =
        start == null ? List.of() : s.range(start, StreamId.MAX, count, false);
    for (StreamEntry e : entries) {
      if (e.id.compareTo(g.lastId) > 0) {
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ
            && !s.rangeHasTombstones(e.id, null)) {
          g.entriesRead++;
        } else if (s.entriesAdded != 0) {
          g.entriesRead = s.estimateEntriesRead(e.id);
        }
        g.lastId = e.id;
      }
      if (!noack) {
        PendingEntry p = g.pel.get(e.id);
        if (p == null) {
          p = new PendingEntry(now, 1);
          g.pel.put(e.id, p);
        } else {
          p.deliveryTime = now;
          p.deliveryCount = 1;
        }
        g.assign(e.id, p, consumer);
      }
    }
    return () -> Streams.replyEntries(c, entries);
  }

  /**
   * A consumer's own pending entries after {@code start}: each is delivered again (count and time
   * updated), or, if its entry was deleted, replied as its ID with a null body.
   */
  private static Runnable historyReply(
      Client c, Stream s, Consumer consumer, StreamId start, long count, long now) {
    List<Map.Entry<StreamId, StreamEntry>> out = new ArrayList<>();
    if (start != null) {
      for (var p : consumer.pel.tailMap(start, true).entrySet()) {
        if (count != 0 && out.size() >= count) {
          break;
        }
        StreamEntry e = s.get(p.getKey());
        if (e != null) {
          p.getValue().deliveryTime = now;
          p.getValue().deliveryCount++;
        }
        out.add(new java.util.AbstractMap.SimpleEntry<>(p.getKey(), e));
      }
    }
    return () -> {
      c.reply.array(out.size());
      for (var p : out) {
        if (p.getValue() != null) {
          Streams.replyEntry(c, p.getValue());
        } else {
          c.reply.array(2);
          c.reply.bulk(p.getKey().bytes());
          c.reply.nullArray();
        }
      }
    };
  }
}
