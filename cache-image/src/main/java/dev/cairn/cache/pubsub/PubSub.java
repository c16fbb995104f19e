package dev.cairn.cache.pubsub;

import dev.cairn.cache.db.Glob;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel, pattern and shard-channel subscriptions and message delivery. Channel names are kept as
 * ISO-8859-1 strings (one char per byte, so binary names round-trip). Messages are written to
 * subscribers' output at once, as RESP2 arrays or RESP3 push frames per subscriber.
 *
 * <p>Shard channels (SSUBSCRIBE/SPUBLISH, Redis 7) are a namespace of their own: on a single node
 * every slot is local, so they behave like channels without patterns, with "smessage" frames and
 * their own subscription count.
 */
public final class PubSub {
  /** The three kinds of subscription and the words Redis uses for them. */
  public enum Kind {
    CHANNEL("subscribe", "unsubscribe"),
    PATTERN("psubscribe", "punsubscribe"),
    SHARD("ssubscribe", "sunsubscribe");

    final String subscribe;
    final String unsubscribe;

    Kind(String subscribe, String unsubscribe) {
      this.subscribe = subscribe;
      this.unsubscribe = unsubscribe;
    }
  }

  private final Server server;
  private final Map<String, Set<Client>> channels = new LinkedHashMap<>();
  private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();
  private final Map<String, Set<Client>> shardChannels = new LinkedHashMap<>();

  public PubSub(Server server) {
    this.server = server;
  }

  static String name(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  public Set<String> channels() {
    return channels.keySet();
  }

  public Set<String> shardChannels() {
    return shardChannels.keySet();
  }

  private Map<String, Set<Client>> index(Kind kind) {
    return switch (kind) {
      case CHANNEL -> channels;
      case PATTERN -> patterns;
      case SHARD -> shardChannels;
    };
  }

  /** The count a (un)subscribe confirmation carries: shard subscriptions are counted apart. */
  private static int count(Client c, Kind kind) {
    return kind == Kind.SHARD ? c.shardSubscriptions() : c.subscriptions();
  }

  public int patternCount() {
    return patterns.size();
  }

  public int subscribers(Kind kind, String channel) {
    Set<Client> s = index(kind).get(channel);
    return s == null ? 0 : s.size();
  }

  /** Adds subscriptions and confirms each, as Redis: [subscribe, channel, count]. */
  public void subscribe(Client c, Set<String> own, Kind kind, byte[][] names, int from) {
    c.pushReply();
    Map<String, Set<Client>> index = index(kind);
    for (int i = from; i < names.length; i++) {
      String n = name(names[i]);
      if (own.add(n)) {
        index.computeIfAbsent(n, k -> new LinkedHashSet<>()).add(c);
      }
      c.reply.push(3);
      c.reply.bulk(kind.subscribe);
      c.reply.bulk(names[i]);
      c.reply.integer(count(c, kind));
    }
  }

  /** Removes the named subscriptions, or all of them if none are named. */
  public void unsubscribe(Client c, Set<String> own, Kind kind, byte[][] names, int from) {
    c.pushReply();
    Map<String, Set<Client>> index = index(kind);
    List<String> targets = new ArrayList<>();
    if (names.length <= from) {
      targets.addAll(own);
      if (targets.isEmpty()) {
        c.reply.push(3);
        c.reply.bulk(kind.unsubscribe);
        c.reply.nullBulk();
        c.reply.integer(count(c, kind));
        return;
      }
    } else {
      for (int i = from; i < names.length; i++) {
        targets.add(name(names[i]));
      }
    }
    for (String n : targets) {
      if (own.remove(n)) {
        Set<Client> subs = index.get(n);
        if (subs != null) {
          subs.remove(c);
          if (subs.isEmpty()) {
            index.remove(n);
          }
        }
      }
      c.reply.push(3);
      c.reply.bulk(kind.unsubscribe);
      c.reply.bulk(bytes(n));
      c.reply.integer(count(c, kind));
    }
  }

  public void unsubscribeAll(Client c) {
    for (String n : c.subscribedChannels()) {
      remove(channels, n, c);
    }
    for (String n : c.subscribedPatterns()) {
      remove(patterns, n, c);
    }
    for (String n : c.subscribedShardChannels()) {
      remove(shardChannels, n, c);
    }
    c.subscribedChannels().clear();
    c.subscribedPatterns().clear();
    c.subscribedShardChannels().clear();
  }

  private static void remove(Map<String, Set<Client>> index, String n, Client c) {
    Set<Client> subs = index.get(n);
    if (subs != null) {
      subs.remove(c);
      if (subs.isEmpty()) {
        index.remove(n);
      }
    }
  }

  /** SPUBLISH: delivers to the shard channel's subscribers; returns how many received it. */
  public int publishShard(byte[] channel, byte[] message) {
    Set<Client> subs = shardChannels.get(name(channel));
    if (subs == null) {
      return 0;
    }
    for (Client c : subs) {
      c.reply.push(3);
      c.reply.bulk("smessage");
      c.reply.bulk(channel);
      c.reply.bulk(message);
      c.flush();
    }
    return subs.size();
  }

  /** Delivers a message; returns the number of receiving clients (as PUBLISH replies). */
  public int publish(byte[] channel, byte[] message) {
    int receivers = 0;
    Set<Client> subs = channels.get(name(channel));
    if (subs != null) {
      for (Client c : subs) {
        c.reply.push(3);
        c.reply.bulk("message");
        c.reply.bulk(channel);
        c.reply.bulk(message);
        c.flush();
        receivers++;
      }
    }
    if (!patterns.isEmpty()) {
      for (Map.Entry<String, Set<Client>> e : patterns.entrySet()) {
        byte[] pattern = bytes(e.getKey());
        if (!Glob.match(pattern, channel, false)) {
          continue;
        }
        for (Client c : e.getValue()) {
          c.reply.push(4);
          c.reply.bulk("pmessage");
          c.reply.bulk(pattern);
          c.reply.bulk(channel);
          c.reply.bulk(message);
          c.flush();
          receivers++;
        }
      }
    }
    return receivers;
  }
}
