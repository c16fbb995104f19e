package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client-side caching with a real client (Lettuce's ClientSideCaching over RESP3), and the
 * invalidations the differential test cannot compare with redis-server because they depend on
 * timing or on a random choice: expiry, eviction, the tracking-table-max-keys limit, and keys read
 * by scripts.
 */
class ClientTrackingTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static RedisClient client;

  @BeforeAll
  static void connect() {
    client = RedisClient.create("redis://127.0.0.1:" + port());
  }

  @AfterAll
  static void disconnect() {
    client.shutdown(0, 1, TimeUnit.SECONDS);
  }

  private static int port() {
    return cache.engine().address().getPort();
  }

  @BeforeEach
  void reset() throws Exception {
    try (RawResp admin = new RawResp(port())) {
      admin.call("FLUSHALL");
      admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
      admin.call("CONFIG", "SET", "maxmemory", "0");
    }
  }

  @Test
  void lettuceCacheServesTheNewValueAfterAnotherClientWrites() {
    Map<String, String> local = new ConcurrentHashMap<>();
    try (StatefulRedisConnection<String, String> tracked = client.connect();
        StatefulRedisConnection<String, String> other = client.connect()) {
      CacheFrontend<String, String> frontend =
          ClientSideCaching.enable(
              CacheAccessor.forMap(local), tracked, TrackingArgs.Builder.enabled());
      other.sync().set("user:1", "ann");
      assertThat(frontend.get("user:1")).isEqualTo("ann");
      assertThat(local).containsEntry("user:1", "ann");
      assertThat(frontend.get("user:1")).isEqualTo("ann"); // served from the local map

      other.sync().set("user:1", "bob");
      await().atMost(Duration.ofSeconds(5)).until(() -> !local.containsKey("user:1"));
      assertThat(frontend.get("user:1")).isEqualTo("bob");

      other.sync().del("user:1");
      await().atMost(Duration.ofSeconds(5)).until(() -> !local.containsKey("user:1"));
      assertThat(frontend.get("user:1")).isNull();
      frontend.close();
    }
  }

  /**
   * Jedis's client-side cache. Jedis refuses servers older than 7.4 unless the cache says it runs
   * in compatibility mode (what it would need against redis-server 7.0 too).
   */
  public static final class Redis70Cache extends redis.clients.jedis.csc.DefaultCache {
    public Redis70Cache(int maxSize, redis.clients.jedis.csc.EvictionPolicy policy) {
      super(maxSize, redis.clients.jedis.csc.DefaultCacheable.INSTANCE, policy);
    }

    @Override
    public boolean compatibilityMode() {
      return true;
    }
  }

  @Test
  void jedisCacheServesTheNewValueAfterAnotherClientWrites() {
    var config =
        redis.clients.jedis.DefaultJedisClientConfig.builder()
            .protocol(redis.clients.jedis.RedisProtocol.RESP3)
            .build();
    var cacheConfig =
        redis.clients.jedis.csc.CacheConfig.builder()
            .maxSize(100)
            .cacheClass(Redis70Cache.class)
            .build();
    try (var jedis =
            new redis.clients.jedis.UnifiedJedis(
                new redis.clients.jedis.HostAndPort("127.0.0.1", port()), config, cacheConfig);
        StatefulRedisConnection<String, String> other = client.connect()) {
      other.sync().set("item:1", "red");
      assertThat(jedis.get("item:1")).isEqualTo("red");
      assertThat(jedis.get("item:1")).isEqualTo("red");
      assertThat(jedis.getCache().getStats().getHitCount()).isEqualTo(1);
      assertThat(jedis.getCache().getSize()).isEqualTo(1);

      other.sync().set("item:1", "blue");
      await().atMost(Duration.ofSeconds(5)).until(() -> "blue".equals(jedis.get("item:1")));
      assertThat(jedis.getCache().getStats().getInvalidationCount()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void lettuceBroadcastCacheForgetsKeysThatExpire() {
    Map<String, String> local = new ConcurrentHashMap<>();
    try (StatefulRedisConnection<String, String> tracked = client.connect();
        StatefulRedisConnection<String, String> other = client.connect()) {
      CacheFrontend<String, String> frontend =
          ClientSideCaching.enable(
              CacheAccessor.forMap(local),
              tracked,
              TrackingArgs.Builder.enabled().bcast().prefixes("session:"));
      other.sync().psetex("session:1", 1000, "token");
      other.sync().set("other:1", "x");
      assertThat(frontend.get("session:1")).isEqualTo("token");
      assertThat(frontend.get("other:1")).isEqualTo("x");
      // nobody touches the key: the server's active expiry deletes it and tells the client
      await().atMost(Duration.ofSeconds(5)).until(() -> !local.containsKey("session:1"));
      assertThat(frontend.get("session:1")).isNull();
      // a key outside the prefix is not broadcast
      other.sync().set("other:1", "y");
      assertThat(tracked.sync().get("session:2")).isNull(); // a round trip after the write
      assertThat(local).containsEntry("other:1", "x");
      frontend.close();
    }
  }

  @Test
  void evictedKeysAreInvalidated() throws Exception {
    try (RawResp a = new RawResp(port());
        RawResp b = new RawResp(port())) {
      a.call("HELLO", "3");
      assertThat(a.call("CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
      for (int i = 0; i < 20; i++) {
        b.call("SET", "e" + i, "value" + i);
      }
      assertThat(a.call("GET", "e7")).isEqualTo("$6\r\nvalue7\r\n");
      b.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
      b.call("CONFIG", "SET", "maxmemory", "1");
      b.call("PING"); // evicts every key before running
      b.call("CONFIG", "SET", "maxmemory", "0");
      b.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
      assertThat(a.frame()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ne7\r\n");
    }
  }

  @Test
  void keysReadByScriptsAreTrackedForTheirCaller() throws Exception {
    try (RawResp a = new RawResp(port());
        RawResp b = new RawResp(port())) {
      a.call("HELLO", "3");
      a.call("CLIENT", "TRACKING", "on");
      a.call("EVAL", "return redis.call('get', KEYS[1])", "1", "s1");
      a.call("EVAL_RO", "return redis.call('exists', KEYS[1])", "1", "s2");
      b.call("MSET", "s1", "1", "s2", "2");
      assertThat(List.of(a.frame(), a.frame()))
          .containsExactly(
              ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ns1\r\n",
              ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ns2\r\n");
    }
  }

  @Test
  void overTheTableLimitKeysAreInvalidatedToMakeRoom() throws Exception {
    try (RawResp a = new RawResp(port())) {
      a.call("HELLO", "3");
      a.call("CLIENT", "TRACKING", "on");
      assertThat(a.call("CONFIG", "SET", "tracking-table-max-keys", "2")).isEqualTo("+OK\r\n");
      a.call("MGET", "m1", "m2", "m3");
      // the next command first brings the table back under the limit, telling the client
      a.send("PING");
      assertThat(a.frame()).startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nm");
      assertThat(a.frame()).isEqualTo("+PONG\r\n");
      assertThat(a.call("INFO", "stats")).contains("tracking_total_keys:2\r\n");
      assertThat(a.call("CONFIG", "GET", "tracking-table-max-keys")).contains("$1\r\n2\r\n");
    }
  }
}
