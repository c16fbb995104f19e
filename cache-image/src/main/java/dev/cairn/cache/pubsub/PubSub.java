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
 * Channel and pattern subscriptions and message delivery. Channel names are kept as ISO-8859-1
 * strings (one char per byte, so binary names round-trip). Messages are written to subscribers'
 * output at once, as RESP2 arrays or RESP3 push frames per subscriber.
 */
public final class PubSub {
  private final Server server;
  private final Map<String, Set<Client>> channels = new LinkedHashMap<>();
  private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();

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

  public int patternCount() {
    return patterns.size();
  }

  public int subscribers(String channel) {
    Set<Client> s = channels.get(channel);
    return s == null ? 0 : s.size();
  }

  /** Adds subscriptions and confirms each, as Redis: [subscribe, channel, count]. */
  public void subscribe(Client c, Set<String> own, boolean pattern, byte[][] names, int from) {
    Map<String, Set<Client>> index = pattern ? patterns : channels;
    for (int i = from; i < names.length; i++) {
      String n = name(names[i]);
      if (own.add(n)) {
        index.computeIfAbsent(n, k -> new LinkedHashSet<>()).add(c);
      }
      c.reply.push(3);
      c.reply.bulk(pattern ? "psubscribe" : "subscribe");
      c.reply.bulk(names[i]);
      c.reply.integer(c.subscriptions());
    }
  }

  /** Removes the named subscriptions, or all of them if none are named. */
  public void unsubscribe(Client c, Set<String> own, boolean pattern, byte[][] names, int from) {
    Map<String, Set<Client>> index = pattern ? patterns : channels;
    String kind = pattern ? "punsubscribe" : "unsubscribe";
    List<String> targets = new ArrayList<>();
    if (names.length <= from) {
      targets.addAll(own);
      if (targets.isEmpty()) {
        c.reply.push(3);
        c.reply.bulk(kind);
        c.reply.nullBulk();
        c.reply.integer(c.subscriptions());
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
      c.reply.bulk(kind);
      c.reply.bulk(bytes(n));
      c.reply.integer(c.subscriptions());
    }
  }

  public void unsubscribeAll(Client c) {
    for (String n : c.subscribedChannels()) {
      remove(channels, n, c);
    }
    for (String n : c.subscribedPatterns()) {
      remove(patterns, n, c);
    }
    c.subscribedChannels().clear();
    c.subscribedPatterns().clear();
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
