package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CLIENT TRACKING on the wire, against Debian's redis-server 7.0 and Cairn: one scenario of several
 * connections (RESP3 pushes on the tracking connection, RESP2 {@code __redis__:invalidate} messages
 * to a REDIRECT target, BCAST with prefixes, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP, flushes, a
 * broken redirect, and every option error), whose transcript — each command's reply and every
 * invalidation each connection received, byte for byte — must be the same on both servers.
 *
 * <p>After each step every other connection is drained with a command that changes no tracking
 * state (CLIENT GETNAME; PING when subscribed), so each invalidation is seen at the step that
 * caused it.
 */
class ClientTrackingDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  /**
   * "conn COMMAND args": {@code {x}} is connection x's id, {@code ''} an empty argument; a leading
   * "!" runs a command whose reply differs between servers (HELLO), "-" one with no reply (under
   * CLIENT REPLY OFF), "~x" closes connection x.
   */
  private static final List<String> SCENARIO =
      List.of(
          "a FLUSHALL",
          "!a HELLO 3",
          "a CLIENT TRACKINGINFO",
          "a CLIENT GETREDIR",
          "a CLIENT TRACKING on",
          "a CLIENT TRACKINGINFO",
          "a CLIENT GETREDIR",
          "a CLIENT INFO",
          // default mode: keys read are invalidated once, by anyone's write, then forgotten
          "a GET k1",
          "a MGET k1 k2",
          "a HGETALL h",
          "a EXISTS k3",
          "b SET k1 v",
          "b SET k1 w",
          "b HSET h f v",
          "b APPEND k2 x",
          "a INFO",
          "a GET k1",
          "a SET k1 x",
          "a GET k1",
          "a INCR k9",
          "a GET k4",
          "b FLUSHALL",
          "a GET k4",
          "a FLUSHDB",
          "a INFO",
          // NOLOOP: not for the client's own writes
          "a CLIENT TRACKING on NOLOOP",
          "a CLIENT TRACKINGINFO",
          "a GET k5",
          "a SET k5 1",
          "b SET k5 2",
          "a GET k5",
          "b DEL k5",
          // the errors, in Redis's order of checks
          "a CLIENT TRACKING on PREFIX p",
          "a CLIENT TRACKING on BCAST",
          "a CLIENT TRACKING on OPTIN OPTOUT",
          "a CLIENT TRACKING on REDIRECT 999999",
          "a CLIENT TRACKING on REDIRECT x",
          "a CLIENT TRACKING on REDIRECT {b} REDIRECT {b}",
          "a CLIENT TRACKING maybe",
          "a CLIENT TRACKING on FOO",
          "a CLIENT TRACKING on REDIRECT",
          "a CLIENT TRACKING",
          "a CLIENT CACHING yes",
          "a CLIENT CACHING no",
          "a CLIENT CACHING maybe",
          "a CLIENT CACHING",
          "a CLIENT GETREDIR x",
          "a CLIENT TRACKINGINFO x",
          "a CLIENT TRACKING off BCAST",
          "a CLIENT CACHING yes",
          "a CLIENT TRACKING on BCAST OPTIN",
          "a CLIENT TRACKING on BCAST PREFIX ab PREFIX a",
          "a CLIENT TRACKING on BCAST PREFIX '' PREFIX a",
          "a CLIENT TRACKING on BCAST PREFIX x PREFIX x",
          "a CLIENT TRACKINGINFO",
          // OPTIN: only what follows CLIENT CACHING yes (one command, or one transaction)
          "a CLIENT TRACKING on OPTIN",
          "a CLIENT TRACKING on OPTOUT",
          "a GET o1",
          "a CLIENT CACHING yes",
          "a CLIENT TRACKINGINFO",
          "a GET o2",
          "a GET o3",
          "a CLIENT CACHING yes",
          "a MULTI",
          "a GET o4",
          "a GET o5",
          "a EXEC",
          "a GET o6",
          "a CLIENT CACHING yes",
          "a PING",
          "a GET o7",
          "b MSET o1 1 o2 2 o3 3 o4 4 o5 5 o6 6 o7 7",
          "a CLIENT TRACKING off",
          // OPTOUT: all but what follows CLIENT CACHING no
          "a CLIENT TRACKING on OPTOUT",
          "a CLIENT TRACKING on OPTIN",
          "a GET p1",
          "a CLIENT CACHING no",
          "a CLIENT TRACKINGINFO",
          "a GET p2",
          "b MSET p1 1 p2 2",
          "a CLIENT TRACKING off",
          // BCAST: every modified key under a prefix, one message per prefix, keys in byte order
          "a CLIENT TRACKING on BCAST PREFIX user: PREFIX item:",
          "a CLIENT TRACKING on BCAST PREFIX user:x",
          "a CLIENT TRACKING on BCAST PREFIX order:",
          "a CLIENT TRACKING on",
          "a CLIENT TRACKINGINFO",
          "a CLIENT INFO",
          "a INFO",
          "b MSET user:2 a user:1 b item:1 c other d order:9 e",
          "a SET user:3 x",
          "b DEL user:1 nothing",
          "a CLIENT TRACKING off",
          "a INFO",
          "a CLIENT TRACKING on BCAST NOLOOP",
          "a MSET x 1 y 2",
          "b SET z 3",
          "a SET y 3",
          "a EVAL return(redis.call('set',KEYS[1],'x')) 1 y",
          "b FLUSHALL",
          "a CLIENT TRACKING off",
          // keys are not per database; SWAPDB invalidates nothing; CLIENT REPLY OFF still pushes
          "a CLIENT TRACKING on",
          "a GET w1",
          "a GET w2",
          "b SELECT 1",
          "b SET w1 1",
          "b SWAPDB 0 1",
          "b SELECT 0",
          "-a CLIENT REPLY OFF",
          "-a SET w2 1",
          "a CLIENT REPLY ON",
          // scripts: their reads are tracked for the caller (EVAL_RO itself is not a read)
          "a EVAL return(redis.call('get',KEYS[1])) 1 w3",
          "a EVAL_RO return(redis.call('exists',KEYS[1])) 1 w4",
          "b MSET w3 1 w4 2",
          "a GET w5",
          "a EVAL return(redis.call('set',KEYS[1],'x')) 1 w5",
          "a CLIENT TRACKING off",
          // RESP2: invalidations go to a REDIRECT target subscribed to __redis__:invalidate
          "s SUBSCRIBE __redis__:invalidate",
          "c CLIENT TRACKING on REDIRECT {s}",
          "c CLIENT GETREDIR",
          "c CLIENT INFO",
          "c GET r1",
          "b SET r1 1",
          "c SET r1 2",
          "c GET r1",
          "c SET r1 3",
          "c GET r2",
          "b FLUSHDB",
          "c CLIENT TRACKING off",
          "c CLIENT TRACKING on BCAST REDIRECT {s} PREFIX p: PREFIX q:",
          "b MSET p:2 1 p:1 2 q:1 3 r 1",
          // the target leaves: the redirect is broken (told to a RESP3 client, silent in RESP2)
          "~s",
          "c SET p:1 1",
          "c CLIENT TRACKINGINFO",
          "c CLIENT INFO",
          "!c HELLO 3",
          "c SET p:1 2",
          "c CLIENT TRACKINGINFO",
          // RESP2 without a redirect: accepted, but there is no way to push
          "d CLIENT TRACKING on",
          "d GET n1",
          "b SET n1 1",
          "d GET n1",
          "c RESET",
          "c CLIENT TRACKINGINFO",
          "a INFO");

  @Test
  void transcriptMatchesRedis() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    List<String> expected;
    try (ReferenceRedis redis = ReferenceRedis.start("--save", "")) {
      expected = run(redis.port());
    }
    List<String> actual = run(cache.engine().address().getPort());
    // the scenario must produce invalidations of every kind, or equality proves little
    String all = String.join("\n", expected);
    assertThat(all)
        .contains(">2\\r\\n$10\\r\\ninvalidate\\r\\n*1", ">2\\r\\n$10\\r\\ninvalidate\\r\\n_")
        .contains("$20\\r\\n__redis__:invalidate\\r\\n*2", "__redis__:invalidate\\r\\n$-1")
        .contains("tracking-redir-broken", "broken_redirect", "caching-yes", "flags=tRB");
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      String e = i < expected.size() ? expected.get(i) : "<none>";
      String a = i < actual.size() ? actual.get(i) : "<none>";
      if (!e.equals(a)) {
        differences.add("#" + i + "\n    redis: " + e + "\n    cairn: " + a);
        if (differences.size() >= 10) {
          break;
        }
      }
    }
    assertThat(differences)
        .as(
            String.join("\n", differences)
                + "\nfull cairn transcript:\n"
                + String.join("\n", actual))
        .isEmpty();
  }

  /** Runs the scenario against one server; returns its normalized transcript. */
  private static List<String> run(int port) throws Exception {
    Map<String, RawResp> conns = new LinkedHashMap<>();
    Map<String, Long> ids = new LinkedHashMap<>();
    List<String> subscribed = new ArrayList<>();
    List<String> inMulti = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    List<String> transcript = new ArrayList<>();
    try (RawResp admin = new RawResp(port)) {
      try {
        for (String step : SCENARIO) {
          if (step.startsWith("~")) {
            String name = step.substring(1);
            conns.remove(name).close();
            awaitGone(admin, ids.get(name));
            transcript.add(step);
            continue;
          }
          boolean ignoreReply = step.startsWith("!");
          boolean noReply = step.startsWith("-");
          String[] words = (ignoreReply || noReply ? step.substring(1) : step).split(" ");
          String name = words[0];
          RawResp conn = conns.get(name);
          if (conn == null) {
            conn = new RawResp(port);
            conns.put(name, conn);
            String id = conn.call("CLIENT", "ID");
            ids.put(name, Long.parseLong(id.substring(1).trim()));
          }
          String[] args = Arrays.copyOfRange(words, 1, words.length);
          for (int i = 0; i < args.length; i++) {
            args[i] = args[i].equals("''") ? "" : substitute(args[i], ids);
          }
          transcript.add(step);
          conn.send(args);
          if (noReply) {
            silent.add(name); // CLIENT REPLY OFF: nothing to read until ON, drains would hang
            continue;
          }
          silent.remove(name);
          String reply;
          do {
            reply = conn.frame();
            if (reply.startsWith(">")) {
              transcript.add(name + "< " + normalize(reply, args, ids, true));
            }
          } while (reply.startsWith(">"));
          transcript.add(name + "< " + (ignoreReply ? "<differs>" : normalize(reply, args, ids)));
          if (args[0].equalsIgnoreCase("subscribe")) {
            subscribed.add(name);
          } else if (args[0].equalsIgnoreCase("multi")) {
            inMulti.add(name);
          } else if (args[0].equalsIgnoreCase("exec")) {
            inMulti.remove(name);
          }
          for (var e : conns.entrySet()) {
            if (inMulti.contains(e.getKey()) || silent.contains(e.getKey())) {
              continue; // its drain command would be queued
            }
            drain(e.getKey(), e.getValue(), subscribed.contains(e.getKey()), ids, transcript);
          }
        }
      } finally {
        for (RawResp c : conns.values()) {
          c.close();
        }
      }
    }
    return transcript;
  }

  /**
   * Reads what a connection got since its last reply (invalidations), up to the reply of a command
   * that changes no tracking state: CLIENT commands keep CLIENT CACHING's flag, as Redis does.
   */
  private static void drain(
      String name, RawResp conn, boolean subscribed, Map<String, Long> ids, List<String> out)
      throws IOException {
    if (subscribed) {
      conn.send("PING");
    } else {
      conn.send("CLIENT", "GETNAME");
    }
    while (true) {
      String f = conn.frame();
      if (f.equals("$-1\r\n") || f.equals("_\r\n") || f.equals("+PONG\r\n") || isPong(f)) {
        return;
      }
      out.add(name + "< " + normalize(f, new String[] {"push"}, ids, true));
    }
  }

  private static boolean isPong(String f) {
    return f.equals("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  }

  private static void awaitGone(RawResp admin, long id) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (admin.call("CLIENT", "LIST").contains("id=" + id + " ")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("client " + id + " still listed after closing");
      }
      Thread.sleep(10);
    }
  }

  private static String substitute(String arg, Map<String, Long> ids) {
    Matcher m = Pattern.compile("\\{(\\w+)}").matcher(arg);
    return m.matches() ? Long.toString(ids.get(m.group(1))) : arg;
  }

  private static String normalize(String frame, String[] args, Map<String, Long> ids) {
    return normalize(frame, args, ids, false);
  }

  /**
   * The frame with CRLFs visible; INFO cut to its tracking fields, CLIENT INFO to flags and redir,
   * and client ids (which differ between servers) named where a reply carries one.
   */
  private static String normalize(
      String frame, String[] args, Map<String, Long> ids, boolean push) {
    String cmd = String.join(" ", args).toLowerCase(java.util.Locale.ROOT);
    String f = frame;
    if (!push && cmd.equals("info")) {
      StringBuilder sb = new StringBuilder("INFO");
      for (String line : f.split("\r\n")) {
        if (line.startsWith("tracking_")) {
          sb.append(' ').append(line);
        }
      }
      return sb.toString();
    }
    if (!push && cmd.equals("client info")) {
      Matcher m = Pattern.compile("flags=(\\S+) .* redir=(-?\\d+) ").matcher(f);
      assertThat(m.find()).as(f).isTrue();
      f = "flags=" + m.group(1) + " redir=:" + m.group(2) + "\r\n";
    }
    if ((push && f.contains("tracking-redir-broken"))
        || cmd.startsWith("client getredir")
        || cmd.startsWith("client trackinginfo")
        || cmd.equals("client info")) {
      for (var e : ids.entrySet()) {
        f = f.replace(":" + e.getValue() + "\r\n", ":{" + e.getKey() + "}\r\n");
      }
    }
    return f.replace("\r\n", "\\r\\n");
  }
}
