package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI/EXEC/WATCH and pub/sub (channels, patterns, keyspace notifications) through Jedis. */
class TransactionsAndPubSubTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private Jedis jedis;

  private Jedis connect() {
    return new Jedis("127.0.0.1", cache.engine().address().getPort());
  }

  @BeforeEach
  void open() {
    jedis = connect();
    jedis.flushAll();
  }

  @AfterEach
  void close() {
    jedis.configSet("notify-keyspace-events", "");
    jedis.close();
  }

  @Test
  void shardChannelsAreTheirOwnNamespace() throws Exception {
    try (java.net.Socket subscriber =
        new java.net.Socket("127.0.0.1", cache.engine().address().getPort())) {
      subscriber.setSoTimeout(5_000);
      var in = subscriber.getInputStream();
      subscriber.getOutputStream().write("SSUBSCRIBE orders\r\n".getBytes());
      String confirmed = "*3\r\n$10\r\nssubscribe\r\n$6\r\norders\r\n:1\r\n";
      assertThat(new String(in.readNBytes(confirmed.length()))).isEqualTo(confirmed);
      redis.clients.jedis.commands.ProtocolCommand spublish = () -> "SPUBLISH".getBytes();
      assertThat(jedis.publish("orders", "not for shard subscribers")).isZero();
      assertThat(jedis.sendCommand(spublish, "orders", "o-1")).isEqualTo(1L);
      String message = "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$3\r\no-1\r\n";
      assertThat(new String(in.readNBytes(message.length()))).isEqualTo(message);
      assertThat(jedis.pubsubShardChannels()).containsExactly("orders");
      assertThat(jedis.pubsubShardNumSub("orders")).containsEntry("orders", 1L);
      assertThat(jedis.pubsubChannels()).doesNotContain("orders");
      subscriber.getOutputStream().write("SUNSUBSCRIBE\r\n".getBytes());
      String left = "*3\r\n$12\r\nsunsubscribe\r\n$6\r\norders\r\n:0\r\n";
      assertThat(new String(in.readNBytes(left.length()))).isEqualTo(left);
    }
  }

  @Test
  void execRunsQueuedCommandsAndRuntimeErrorsDoNotRollBack() {
    jedis.set("s", "text");
    Transaction tx = jedis.multi();
    Response<Long> incr = tx.incr("n");
    Response<Long> bad = tx.incr("s");
    Response<String> get = tx.get("n");
    List<Object> results = tx.exec();
    assertThat(results).hasSize(3);
    assertThat(incr.get()).isEqualTo(1);
    assertThat(get.get()).isEqualTo("1");
    assertThatThrownBy(bad::get).isInstanceOf(JedisDataException.class);
    assertThat(jedis.get("n")).isEqualTo("1");
  }

  @Test
  void queueTimeErrorAbortsExec() {
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.MULTI);
    assertThat(jedis.sendCommand(redis.clients.jedis.Protocol.Command.SET, "a", "1"))
        .isEqualTo("QUEUED".getBytes());
    assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCH".getBytes()))
        .hasMessageStartingWith("ERR unknown command 'NOSUCH'");
    assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.GET))
        .hasMessage("ERR wrong number of arguments for 'get' command");
    assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.EXEC))
        .hasMessage("EXECABORT Transaction discarded because of previous errors.");
    assertThat(jedis.exists("a")).isFalse();
    assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.EXEC))
        .hasMessage("ERR EXEC without MULTI");
  }

  @Test
  void watchAbortsWhenAnotherClientWrites() {
    jedis.set("balance", "10");
    jedis.watch("balance");
    try (Jedis other = connect()) {
      other.incr("balance");
    }
    Transaction tx = jedis.multi();
    tx.set("balance", "0");
    assertThat(tx.exec()).isNull();
    assertThat(jedis.get("balance")).isEqualTo("11");

    jedis.watch("balance");
    Transaction ok = jedis.multi();
    ok.set("balance", "0");
    assertThat(ok.exec()).containsExactly("OK");
    assertThat(jedis.get("balance")).isEqualTo("0");
  }

  @Test
  void watchSeesExpiry() throws InterruptedException {
    jedis.set("k", "v");
    jedis.pexpire("k", 50);
    jedis.watch("k");
    Thread.sleep(100);
    Transaction tx = jedis.multi();
    tx.set("x", "1");
    assertThat(tx.exec()).isNull();
  }

  @Test
  void discardDropsTheQueue() {
    Transaction tx = jedis.multi();
    tx.set("a", "1");
    assertThat(tx.discard()).isEqualTo("OK");
    assertThat(jedis.exists("a")).isFalse();
  }

  @Test
  void publishReachesChannelAndPatternSubscribers() throws Exception {
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onMessage(String channel, String message) {
            got.add("message " + channel + " " + message);
          }

          @Override
          public void onPMessage(String pattern, String channel, String message) {
            got.add("pmessage " + pattern + " " + channel + " " + message);
          }
        };
    try (Jedis sub = connect()) {
      CompletableFuture<Void> running =
          CompletableFuture.runAsync(() -> sub.subscribe(listener, "news"));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> jedis.pubsubNumSub("news").get("news") == 1L);
      listener.psubscribe("n*");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> jedis.pubsubNumPat() == 1L);
      assertThat(jedis.pubsubChannels()).containsExactly("news");
      assertThat(jedis.publish("news", "hello")).isEqualTo(2);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("message news hello");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("pmessage n* news hello");
      assertThat(jedis.publish("other", "x")).isZero();
      listener.unsubscribe();
      listener.punsubscribe();
      running.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void subscribedResp2ClientMayOnlyUseSubscriptionCommands() {
    jedis.sendCommand(redis.clients.jedis.Protocol.Command.SUBSCRIBE, "c");
    assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.GET, "k"))
        .hasMessageContaining("only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET");
    assertThat(jedis.sendCommand(redis.clients.jedis.Protocol.Command.RESET))
        .isEqualTo("RESET".getBytes());
    assertThat(jedis.ping()).isEqualTo("PONG");
  }

  @Test
  void keyspaceNotificationsArePublished() throws Exception {
    jedis.configSet("notify-keyspace-events", "KEA");
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onPMessage(String pattern, String channel, String message) {
            got.add(channel + " " + message);
          }
        };
    try (Jedis sub = connect()) {
      CompletableFuture<Void> running =
          CompletableFuture.runAsync(() -> sub.psubscribe(listener, "__key*__:*"));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> jedis.pubsubNumPat() == 1L);
      jedis.set("mykey", "v");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyspace@0__:mykey set");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyevent@0__:set mykey");
      jedis.pexpire("mykey", 1);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyspace@0__:mykey expire");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyevent@0__:expire mykey");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("__keyspace@0__:mykey expired");
      listener.punsubscribe();
      running.get(5, TimeUnit.SECONDS);
    }
  }
}
