package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lettuce (RESP3 by default: HELLO 3, maps, doubles, push messages) with its sync, async and
 * pub/sub APIs, one scenario per data family; and a RESP2 connection for comparison.
 */
class LettuceCompatibilityTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static RedisCommands<String, String> sync;

  @BeforeAll
  static void connect() {
    client = RedisClient.create("redis://127.0.0.1:" + cache.engine().address().getPort());
    connection = client.connect();
    sync = connection.sync();
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown(0, 1, TimeUnit.SECONDS);
  }

  @BeforeEach
  void flush() {
    sync.flushall();
  }

  @Test
  void syncStringsKeysAndExpiry() {
    assertThat(sync.set("k", "v")).isEqualTo("OK");
    assertThat(sync.get("k")).isEqualTo("v");
    assertThat(sync.incrby("n", 5)).isEqualTo(5);
    assertThat(sync.incrbyfloat("f", 2.5)).isEqualTo(2.5);
    assertThat(sync.expire("k", 100)).isTrue();
    assertThat(sync.ttl("k")).isBetween(99L, 100L);
    assertThat(sync.mget("k", "n", "x"))
        .containsExactly(KeyValue.just("k", "v"), KeyValue.just("n", "5"), KeyValue.empty("x"));
    assertThat(sync.type("k")).isEqualTo("string");
    assertThat(sync.dbsize()).isEqualTo(3);
  }

  @Test
  void asyncPipelineOfCollectionCommands() throws Exception {
    RedisAsyncCommands<String, String> async = connection.async();
    List<RedisFuture<?>> futures = new ArrayList<>();
    futures.add(async.rpush("l", "a", "b", "c"));
    futures.add(async.hset("h", Map.of("f1", "1", "f2", "2")));
    futures.add(async.sadd("s", "x", "y"));
    futures.add(async.zadd("z", 1.5, "m1", 2.5, "m2"));
    for (RedisFuture<?> f : futures) {
      f.get(5, TimeUnit.SECONDS);
    }
    assertThat(async.lrange("l", 0, -1).get(5, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
    assertThat(async.hgetall("h").get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("f1", "1", "f2", "2"));
    assertThat(async.smembers("s").get(5, TimeUnit.SECONDS)).containsExactlyInAnyOrder("x", "y");
    assertThat(async.zrangeWithScores("z", 0, -1).get(5, TimeUnit.SECONDS))
        .containsExactly(ScoredValue.just(1.5, "m1"), ScoredValue.just(2.5, "m2"));
    assertThat(async.zscore("z", "m2").get(5, TimeUnit.SECONDS)).isEqualTo(2.5);
    assertThat(async.hincrbyfloat("h", "f1", 0.5).get(5, TimeUnit.SECONDS)).isEqualTo(1.5);
  }

  @Test
  void transactionsWithWatch() {
    sync.set("a", "1");
    sync.watch("a");
    sync.multi();
    sync.incr("a");
    sync.incr("a");
    TransactionResult result = sync.exec();
    assertThat(result.wasDiscarded()).isFalse();
    assertThat(result.<Long>get(1)).isEqualTo(3);
  }

  @Test
  void resp3PubSubDeliversPushMessages() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    try (StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub()) {
      pubsub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              got.add(channel + ":" + message);
            }

            @Override
            public void message(String pattern, String channel, String message) {
              got.add(pattern + "|" + channel + ":" + message);
            }
          });
      pubsub.sync().subscribe("ch");
      pubsub.sync().psubscribe("c*");
      // RESP3 lets a subscribed connection run ordinary commands too
      assertThat(pubsub.sync().ping()).isEqualTo("PONG");
      assertThat(sync.publish("ch", "hi")).isEqualTo(2);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("ch:hi");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("c*|ch:hi");
    }
  }

  @Test
  void blockingPopOverLettuce() throws Exception {
    try (StatefulRedisConnection<String, String> other = client.connect()) {
      RedisFuture<KeyValue<String, String>> popped = other.async().blpop(5, "jobs");
      Thread.sleep(100);
      sync.lpush("jobs", "job-1");
      assertThat(popped.get(5, TimeUnit.SECONDS)).isEqualTo(KeyValue.just("jobs", "job-1"));
    }
  }

  @Test
  void resp2ConnectionWorksToo() {
    RedisClient resp2 =
        RedisClient.create("redis://127.0.0.1:" + cache.engine().address().getPort());
    resp2.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
    try (StatefulRedisConnection<String, String> c = resp2.connect()) {
      c.sync().hset("h", "a", "1");
      assertThat(c.sync().hgetall("h")).isEqualTo(Map.of("a", "1"));
      c.sync().zadd("z", 1, "x");
      assertThat(c.sync().zscore("z", "x")).isEqualTo(1.0);
    } finally {
      resp2.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
