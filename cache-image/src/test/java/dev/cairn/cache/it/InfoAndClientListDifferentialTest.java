package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * INFO and CLIENT LIST / CLIENT INFO as monitoring tools (redis_exporter, redis-cli --stat,
 * RedisInsight) and client libraries parse them, against Debian's redis-server 7.0 on loopback
 * after the same workload: every section and field Redis prints, in its order; the sections each
 * INFO argument selects; the counters both servers must agree on; and every CLIENT LIST field, with
 * the values a client's state decides (flags, subscriptions, MULTI, blocked command).
 */
class InfoAndClientListDifferentialTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  @RegisterExtension static final ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();

  private static int[] ports() {
    return new int[] {redis.port(), cache.engine().address().getPort()};
  }

  /** The same commands on a fresh set of counters: successes, a failure, a rejection. */
  private static void workload(Jedis j) {
    j.flushAll();
    j.configResetStat();
    j.set("a", "1");
    j.setex("b", 100, "v");
    j.get("a");
    j.get("missing");
    j.configGet("maxmemory");
    j.scriptLoad("return 1");
    assertError(() -> j.lpush("a", "x")); // WRONGTYPE: a failed call
    assertError(() -> j.sendCommand(() -> Args.bytes("NOSUCH"))); // unknown: ERR
    assertError(() -> j.sendCommand(() -> Args.bytes("GET"))); // arity: a rejected call
    assertError(() -> j.sendCommand(() -> Args.bytes("CONFIG"), "GET")); // 'config|get' arity
  }

  private static void assertError(Runnable r) {
    try {
      r.run();
      throw new AssertionError("an error reply was expected");
    } catch (JedisDataException expected) {
      // the error is the point
    }
  }

  /** INFO parsed: section header → its field lines (name → value), in order. */
  private static Map<String, Map<String, String>> info(Jedis j, String... sections) {
    Object reply =
        j.sendCommand(
            () -> Args.bytes("INFO"),
            Arrays.stream(sections).map(Args::bytes).toArray(byte[][]::new));
    String text = new String((byte[]) reply, StandardCharsets.UTF_8);
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String line : text.split("\r\n")) {
      if (line.startsWith("# ")) {
        current = new LinkedHashMap<>();
        out.put(line.substring(2), current);
      } else if (!line.isEmpty()) {
        int colon = line.indexOf(':');
        current.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return out;
  }

  @Test
  void everySectionAndFieldOfRedisInItsOrder() {
    List<Map<String, Map<String, String>>> infos = new ArrayList<>();
    for (int port : ports()) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        workload(j);
        infos.add(info(j, "everything"));
      }
    }
    Map<String, Map<String, String>> expected = infos.get(0);
    Map<String, Map<String, String>> actual = infos.get(1);
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    int fields = 0;
    for (String section : expected.keySet()) {
      List<String> want = new ArrayList<>(expected.get(section).keySet());
      List<String> got = new ArrayList<>(actual.get(section).keySet());
      fields += want.size();
      if (List.of("Commandstats", "Latencystats", "Errorstats", "Keyspace").contains(section)) {
        // per command, error code or database: Redis lists them in hash order
        assertThat(new TreeSet<>(got)).as(section).isEqualTo(new TreeSet<>(want));
      } else {
        // Cairn adds a few of its own (java_version, heap sizes) but drops none, keeps the order
        got.retainAll(want);
        assertThat(got).as(section).containsExactlyElementsOf(want);
      }
    }
    assertThat(fields).isGreaterThan(190);
  }

  /** Counters a user compares after the same workload, and what the configuration says. */
  @Test
  void countersAgreeWithRedis() {
    List<Map<String, String>> values = new ArrayList<>();
    for (int port : ports()) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        workload(j);
        Map<String, String> flat = new TreeMap<>();
        info(j, "everything").values().forEach(flat::putAll);
        values.add(flat);
      }
    }
    List<String> compared =
        List.of(
            "redis_version",
            "redis_mode",
            "arch_bits",
            "multiplexing_api",
            "process_supervised",
            "hz",
            "configured_hz",
            "io_threads_active",
            "connected_clients",
            "cluster_connections",
            "maxclients",
            "blocked_clients",
            "tracking_clients",
            "maxmemory",
            "maxmemory_human",
            "maxmemory_policy",
            "number_of_cached_scripts",
            "number_of_functions",
            "number_of_libraries",
            "loading",
            "aof_enabled",
            "rdb_bgsave_in_progress",
            "rdb_last_bgsave_status",
            "keyspace_hits",
            "keyspace_misses",
            "expired_keys",
            "evicted_keys",
            "pubsub_channels",
            "pubsub_patterns",
            "pubsubshard_channels",
            "total_error_replies",
            "role",
            "connected_slaves",
            "master_failover_state",
            "master_repl_offset",
            "repl_backlog_active",
            "repl_backlog_size",
            "cluster_enabled",
            "errorstat_ERR",
            "errorstat_WRONGTYPE");
    for (String field : compared) {
      assertThat(values.get(1).get(field)).as(field).isEqualTo(values.get(0).get(field));
    }
    // calls, rejections and failures per command (the times differ)
    for (String cmd : List.of("set", "setex", "get", "lpush", "config|get", "script|load")) {
      String want =
          values.get(0).get("cmdstat_" + cmd).replaceAll("usec=[^,]*,usec_per_call=[^,]*,", "");
      String got =
          values.get(1).get("cmdstat_" + cmd).replaceAll("usec=[^,]*,usec_per_call=[^,]*,", "");
      assertThat(got).as(cmd).isEqualTo(want);
      assertThat(values.get(1).get("latency_percentiles_usec_" + cmd))
          .as(cmd)
          .matches("p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}");
    }
    assertThat(values.get(1).get("db0")).startsWith("keys=2,expires=1,avg_ttl=");
    long avgTtl = Long.parseLong(values.get(1).get("db0").replaceAll(".*avg_ttl=", ""));
    assertThat(avgTtl).isBetween(90_000L, 100_000L);
  }

  /** HdrHistogram's highest value, in µs, of each power of two from 1024 ns: 1, 2, 4... 33, 66. */
  private static final List<Long> BUCKET_LABELS =
      java.util.stream.IntStream.range(0, 40)
          .mapToObj(k -> ((1024L << k) + (1024L << k) / 128 - 1) / 1000)
          .toList();

  /**
   * LATENCY HISTOGRAM after the same workload: the same commands (a container gives its
   * subcommands), their calls, and cumulative counts ending at the calls, at Redis's bucket labels.
   */
  @Test
  void latencyHistogramNamesTheSameCommandsAndCalls() {
    List<Map<String, Long>> calls = new ArrayList<>();
    for (int port : ports()) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        workload(j);
        j.get("a");
        Object reply =
            j.sendCommand(
                () -> Args.bytes("LATENCY"),
                Args.bytes("HISTOGRAM"),
                Args.bytes("get"),
                Args.bytes("config"),
                Args.bytes("script|load"),
                Args.bytes("nosuch"));
        List<?> flat = (List<?>) reply;
        Map<String, Long> byCommand = new TreeMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
          String name = new String((byte[]) flat.get(i), StandardCharsets.UTF_8);
          List<?> body = (List<?>) flat.get(i + 1);
          long n = (Long) body.get(1);
          List<?> histogram = (List<?>) body.get(3);
          assertThat(histogram).as(name).isNotEmpty();
          assertThat(histogram.get(histogram.size() - 1)).as(name).isEqualTo(n);
          for (int k = 0; k < histogram.size(); k += 2) {
            assertThat((Long) histogram.get(k)).as(name + " bucket label").isIn(BUCKET_LABELS);
          }
          byCommand.put(name, n);
        }
        calls.add(byCommand);
      }
    }
    assertThat(calls.get(1)).isEqualTo(calls.get(0)).containsKeys("get", "config|get");
  }

  @Test
  void sectionArgumentsSelectTheSameSections() {
    List<List<String>> requests =
        List.of(
            List.of(),
            List.of("default"),
            List.of("all"),
            List.of("everything"),
            List.of("keyspace", "server"),
            List.of("SERVER", "nosuch", "Clients"),
            List.of("commandstats"),
            List.of("latencystats", "errorstats"),
            List.of("default", "commandstats"),
            List.of("cpu", "cpu"),
            List.of("nosuch"));
    for (List<String> request : requests) {
      List<List<String>> headers = new ArrayList<>();
      for (int port : ports()) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          headers.add(new ArrayList<>(info(j, request.toArray(String[]::new)).keySet()));
        }
      }
      assertThat(headers.get(1)).as(request.toString()).isEqualTo(headers.get(0));
    }
  }

  /**
   * CLIENT LIST with clients in several states: the fields in Redis's order, and the values a
   * client's state decides the same on both servers; buffers measured (the caller's own query, the
   * blocked client's command, the queued MULTI).
   */
  @Test
  void clientListFieldsAndStateMatchRedis() throws Exception {
    List<Map<String, Map<String, String>>> lists = new ArrayList<>();
    for (int port : ports()) {
      try (Jedis admin = new Jedis("127.0.0.1", port);
          RawResp named = new RawResp(port);
          RawResp inMulti = new RawResp(port);
          RawResp subscriber = new RawResp(port);
          RawResp blocked = new RawResp(port);
          RawResp resp3 = new RawResp(port)) {
        admin.flushAll();
        admin.clientSetname("admin");
        named.call("CLIENT", "SETNAME", "named");
        named.call("SELECT", "3");
        inMulti.call("CLIENT", "SETNAME", "multi");
        inMulti.call("MULTI");
        inMulti.call("SET", "k", "v");
        inMulti.call("INCR", "counter");
        subscriber.call("CLIENT", "SETNAME", "subscriber");
        subscriber.call("SUBSCRIBE", "c1", "c2");
        subscriber.frame();
        subscriber.call("PSUBSCRIBE", "p*");
        blocked.call("CLIENT", "SETNAME", "blocked");
        blocked.send("BLPOP", "list", "0");
        resp3.call("HELLO", "3");
        resp3.call("CLIENT", "SETNAME", "resp3");
        resp3.call("CLIENT", "TRACKING", "on");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!admin.info("clients").contains("blocked_clients:1")
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String line : admin.clientList().split("\n")) {
          Map<String, String> fields = fields(line);
          byName.put(fields.get("name"), fields);
        }
        byName.put("info", fields(admin.clientInfo().trim()));
        lists.add(byName);
        admin.lpush("list", "wake"); // unblock before closing
        blocked.frame();
      }
    }
    Map<String, Map<String, String>> expected = lists.get(0);
    Map<String, Map<String, String>> actual = lists.get(1);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String client : expected.keySet()) {
      Map<String, String> want = expected.get(client);
      Map<String, String> got = actual.get(client);
      assertThat(got.keySet()).as(client).containsExactlyElementsOf(want.keySet());
      for (String field :
          List.of(
              "name", "flags", "db", "sub", "psub", "ssub", "multi", "events", "cmd", "user",
              "redir", "resp")) {
        assertThat(got.get(field)).as(client + " " + field).isEqualTo(want.get(field));
      }
      assertThat(Integer.parseInt(got.get("fd"))).as(client + " fd").isPositive();
      assertThat(got.get("omem")).as(client + " omem").isEqualTo("0");
      long total = Long.parseLong(got.get("tot-mem"));
      long parts =
          Long.parseLong(got.get("qbuf"))
              + Long.parseLong(got.get("argv-mem"))
              + Long.parseLong(got.get("multi-mem"))
              + Long.parseLong(got.get("omem"));
      assertThat(total).as(client + " tot-mem").isGreaterThanOrEqualTo(parts);
    }
    // "client list" in the caller's query buffer and its arguments, as Redis counts them
    assertThat(actual.get("admin").get("argv-mem"))
        .isEqualTo(expected.get("admin").get("argv-mem"));
    assertThat(Long.parseLong(actual.get("admin").get("qbuf"))).isPositive();
    // BLPOP list 0 is held while blocked; SET k v and INCR counter are queued
    assertThat(actual.get("blocked").get("argv-mem"))
        .isEqualTo(expected.get("blocked").get("argv-mem"));
    assertThat(Long.parseLong(actual.get("multi").get("multi-mem"))).isPositive();
    assertThat(actual.get("named").get("multi-mem")).isEqualTo("0");
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : line.split(" ")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  /** Byte strings for Jedis's raw commands. */
  private static final class Args {
    static byte[] bytes(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
