package dev.cairn.cache.stream;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, as Redis 7.0. */
public final class StreamInfo {
  private StreamInfo() {}

  private static final Map<String, Integer> XINFO =
      Map.of("consumers", 4, "groups", 3, "stream", -3, "help", 2);

  public static void xinfo(Client c, byte[][] a) {
    String sub = Subcommands.check(a, "xinfo", XINFO);
    if (sub.equals("help")) {
      Subcommands.help(
          c,
          a,
          "CONSUMERS <key> <groupname>",
          "    Show consumers of <groupname>.",
          "GROUPS <key>",
          "    Show the stream consumer groups.",
          "STREAM <key> [FULL [COUNT <count>]",
          "    Show information about the stream.");
      return;
    }
    Stream s = Streams.forRead(c, a[2]);
    if (s == null) {
      throw CommandError.NO_SUCH_KEY;
    }
    switch (sub) {
      case "consumers" -> consumers(c, a, s);
      case "groups" -> groups(c, s);
      default -> stream(c, a, s);
    }
  }

  private static void consumers(Client c, byte[][] a, Stream s) {
    ConsumerGroup g = s.group(a[3]);
    if (g == null) {
      throw new CommandError(
          "NOGROUP No such consumer group '"
              + Args.str(a[3])
              + "' for key name '"
              + Args.str(a[2])
              + "'");
    }
    long now = c.server.keyspace.now();
    c.reply.array(g.consumers.size());
    for (Consumer x : g.consumers.values()) {
      c.reply.map(3);
      c.reply.bulk("name");
      c.reply.bulk(x.name);
      c.reply.bulk("pending");
      c.reply.integer(x.pel.size());
      c.reply.bulk("idle");
      c.reply.integer(Math.max(0, now - x.seenTime));
    }
  }

  private static void groups(Client c, Stream s) {
    c.reply.array(s.groups.size());
    for (var e : s.groups.entrySet()) {
      ConsumerGroup g = e.getValue();
      c.reply.map(6);
      c.reply.bulk("name");
      c.reply.bulk(e.getKey());
      c.reply.bulk("consumers");
      c.reply.integer(g.consumers.size());
      c.reply.bulk("pending");
      c.reply.integer(g.pel.size());
      c.reply.bulk("last-delivered-id");
      c.reply.bulk(g.lastId.bytes());
      entriesReadAndLag(c, s, g);
    }
  }

  private static void entriesReadAndLag(Client c, Stream s, ConsumerGroup g) {
    c.reply.bulk("entries-read");
    if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
      c.reply.integer(g.entriesRead);
    } else {
      c.reply.nullBulk();
    }
    c.reply.bulk("lag");
    Long lag = s.lag(g);
    if (lag == null) {
      c.reply.nullBulk();
    } else {
      c.reply.integer(lag);
    }
  }

  private static void stream(Client c, byte[][] a, Stream s) {
    boolean full = a.length > 3;
    long count = 10;
    if (full) {
      if ((a.length != 4 && a.length != 6) || !is(a[3], "full")) {
        throw Subcommands.syntax(a);
      }
      if (a.length == 6) {
        if (!is(a[4], "count")) {
          throw Subcommands.syntax(a);
        }
        count = Args.toLong(a[5]);
        if (count < 0) {
          count = 10;
        }
      }
    }
    c.reply.map(full ? 9 : 10);
    c.reply.bulk("length");
    c.reply.integer(s.length);
    List<byte[]> keys = new ArrayList<>();
    for (StreamId master : s.nodes.keySet()) {
      keys.add(master.key());
    }
    c.reply.bulk("radix-tree-keys");
    c.reply.integer(keys.size());
    c.reply.bulk("radix-tree-nodes");
    c.reply.integer(RaxShape.nodes(keys));
    c.reply.bulk("last-generated-id");
    c.reply.bulk(s.lastId.bytes());
    c.reply.bulk("max-deleted-entry-id");
    c.reply.bulk(s.maxDeletedId.bytes());
    c.reply.bulk("entries-added");
    c.reply.integer(s.entriesAdded);
    c.reply.bulk("recorded-first-entry-id");
    c.reply.bulk(s.firstId.bytes());
    if (!full) {
      c.reply.bulk("groups");
      c.reply.integer(s.groups.size());
      c.reply.bulk("first-entry");
      edge(c, s.edge(true));
      c.reply.bulk("last-entry");
      edge(c, s.edge(false));
      return;
    }
    c.reply.bulk("entries");
    Streams.replyEntries(c, s.range(StreamId.MIN, StreamId.MAX, count, false));
    c.reply.bulk("groups");
    c.reply.array(s.groups.size());
    for (var e : s.groups.entrySet()) {
      ConsumerGroup g = e.getValue();
      c.reply.map(7);
      c.reply.bulk("name");
      c.reply.bulk(e.getKey());
      c.reply.bulk("last-delivered-id");
      c.reply.bulk(g.lastId.bytes());
      entriesReadAndLag(c, s, g);
      c.reply.bulk("pel-count");
      c.reply.integer(g.pel.size());
      c.reply.bulk("pending");
      List<Map.Entry<StreamId, PendingEntry>> pel = first(g.pel, count);
      c.reply.array(pel.size());
      for (var p : pel) {
        c.reply.array(4);
        c.reply.bulk(p.getKey().bytes());
        c.reply.bulk(p.getValue().consumer.name);
        c.reply.integer(p.getValue().deliveryTime);
        c.reply.integer(p.getValue().deliveryCount);
      }
      c.reply.bulk("consumers");
      c.reply.array(g.consumers.size());
      for (Consumer x : g.consumers.values()) {
        c.reply.map(4);
        c.reply.bulk("name");
        c.reply.bulk(x.name);
        c.reply.bulk("seen-time");
        c.reply.integer(x.seenTime);
        c.reply.bulk("pel-count");
        c.reply.integer(x.pel.size());
        c.reply.bulk("pending");
        List<Map.Entry<StreamId, PendingEntry>> own = first(x.pel, count);
        c.reply.array(own.size());
        for (var p : own) {
          c.reply.array(3);
          c.reply.bulk(p.getKey().bytes());
          c.reply.integer(p.getValue().deliveryTime);
          c.reply.integer(p.getValue().deliveryCount);
        }
      }
    }
  }

  private static List<Map.Entry<StreamId, PendingEntry>> first(
      Map<StreamId, PendingEntry> pel, long count) {
    List<Map.Entry<StreamId, PendingEntry>> out = new ArrayList<>();
    for (var e : pel.entrySet()) {
      if (count != 0 && out.size() >= count) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  private static void edge(Client c, StreamEntry e) {
    if (e == null) {
      c.reply.nullBulk();
    } else {
      Streams.replyEntry(c, e);
    }
  }
}
