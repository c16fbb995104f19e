package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.config.ConfigException;
import dev.cairn.common.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One Cairn sentinel watching one Cairn cache, driven with Jedis: the SENTINEL commands' replies
 * and errors as Redis words them, the commands sentinel mode refuses, and the config file the
 * sentinel rewrites and starts again from (same id, same masters and settings).
 */
class SentinelCommandsTest {
  @TempDir Path dir;

  private CacheEngine cache;
  private SentinelEngine sentinel;

  @AfterEach
  void stop() {
    if (sentinel != null) {
      sentinel.stop(Duration.ZERO);
    }
    if (cache != null) {
      cache.stop(Duration.ZERO);
    }
  }

  private SentinelEngine start(Path conf) throws Exception {
    SentinelEngine s =
        new SentinelEngine(SentinelConfig.fromArgs(new String[] {conf.toString()}), Clock.system());
    s.start();
    return s;
  }

  @Test
  void sentinelCommandsAnswerAsRedisAndTheConfigFileKeepsTheState() throws Exception {
    cache = new CacheEngine(CacheConfig.forTest(0));
    cache.start();
    int cachePort = cache.address().getPort();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(
        conf,
        "# my sentinel\nport 0\nadmin-port 0\nsentinel monitor cache 127.0.0.1 "
            + cachePort
            + " 1\nsentinel down-after-milliseconds cache 5000\n");
    sentinel = start(conf);
    String myId;
    try (Jedis j = new Jedis("127.0.0.1", sentinel.address().getPort())) {
      myId = j.sentinelMyId();
      assertThat(myId).hasSize(40);
      assertThat(j.sentinelGetMasterAddrByName("cache"))
          .containsExactly("127.0.0.1", Integer.toString(cachePort));
      assertThat(j.sentinelGetMasterAddrByName("nope")).isNull();
      Map<String, String> master = j.sentinelMaster("cache");
      assertThat(master)
          .containsEntry("name", "cache")
          .containsEntry("flags", "master")
          .containsEntry("quorum", "1")
          .containsEntry("down-after-milliseconds", "5000")
          .containsEntry("num-slaves", "0");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> j.sentinelMaster("cache").get("role-reported").equals("master"));
      assertThat(
              SafeEncoder.encode(
                  (byte[]) j.sendCommand(Protocol.Command.SENTINEL, "CKQUORUM", "cache")))
          .isEqualTo("OK 1 usable Sentinels. Quorum and failover authorization can be reached");
      assertThatThrownBy(() -> j.sentinelMaster("nope"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("ERR No such master with that name");
      assertThatThrownBy(() -> j.sentinelFailover("cache"))
          .hasMessage("NOGOODSLAVE No suitable replica to promote");
      assertThatThrownBy(() -> j.set("k", "v")).hasMessageContaining("unknown command 'SET'");
      assertThatThrownBy(() -> j.publish("news", "x"))
          .hasMessage("ERR Only HELLO messages are accepted by Sentinel instances.");
      assertThat(j.sentinelSet("cache", Map.of("failover-timeout", "9000", "parallel-syncs", "2")))
          .isEqualTo("OK");
      assertThatThrownBy(() -> j.sentinelSet("cache", Map.of("quorum", "zero")))
          .hasMessageContaining("Invalid argument");
      assertThat(j.sentinelMonitor("other", "127.0.0.1", 1, 2)).isEqualTo("OK");
      assertThatThrownBy(() -> j.sentinelMonitor("other", "127.0.0.1", 1, 2))
          .hasMessage("ERR Duplicated master name");
      assertThat(j.sentinelMasters()).hasSize(2);
      assertThat(j.sentinelRemove("other")).isEqualTo("OK");
      assertThat(j.sentinelReset("nothing*")).isZero();
      assertThat(j.info("sentinel")).contains("sentinel_masters:1", "master0:name=cache,status=ok");
      List<Object> role = j.role();
      assertThat(role.get(0)).isEqualTo("sentinel");
    }

    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + sentinel.adminAddress().getPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains(
            "cairn_sentinel_masters{engine=\"sentinel\"} 1.0",
            "cairn_sentinel_events_total{engine=\"sentinel\",type=\"+monitor\"} 2.0");

    String written = Files.readString(conf);
    assertThat(written)
        .startsWith("# my sentinel\nport 0\nadmin-port 0\n")
        .contains(
            "sentinel myid " + myId,
            "sentinel monitor cache 127.0.0.1 " + cachePort + " 1",
            "sentinel down-after-milliseconds cache 5000",
            "sentinel failover-timeout cache 9000",
            "sentinel parallel-syncs cache 2",
            "sentinel current-epoch 0")
        .doesNotContain("other");

    sentinel.stop(Duration.ZERO);
    sentinel = start(conf);
    try (Jedis j = new Jedis("127.0.0.1", sentinel.address().getPort())) {
      assertThat(j.sentinelMyId()).isEqualTo(myId);
      assertThat(j.sentinelMaster("cache"))
          .containsEntry("failover-timeout", "9000")
          .containsEntry("parallel-syncs", "2");
    }
    assertThat(Files.readString(conf)).isEqualTo(written);
  }

  @Test
  void authPassLetsTheSentinelReadAPasswordProtectedMaster() throws Exception {
    cache =
        new CacheEngine(
            CacheConfig.of(Map.of("port", "0", "admin-port", "0", "requirepass", "s3cret")));
    cache.start();
    Path conf = dir.resolve("auth.conf");
    Files.writeString(
        conf,
        "port 0\nadmin-port 0\nsentinel monitor locked 127.0.0.1 "
            + cache.address().getPort()
            + " 1\nsentinel auth-pass locked s3cret\n");
    sentinel = start(conf);
    String runId;
    try (Jedis c = new Jedis("127.0.0.1", cache.address().getPort())) {
      c.auth("s3cret");
      runId = c.info("server").lines().filter(l -> l.startsWith("run_id:")).findFirst().get();
    }
    try (Jedis j = new Jedis("127.0.0.1", sentinel.address().getPort())) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ("run_id:" + j.sentinelMaster("locked").get("runid")).equals(runId));
      assertThat(j.sentinelMaster("locked")).containsEntry("flags", "master");
    }
    assertThat(Files.readString(conf)).contains("sentinel auth-pass locked s3cret");
  }

  @Test
  void badSentinelConfigurationFailsNamingTheDirective() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "port 0\nsentinel down-after-milliseconds nomaster 100\n");
    assertThatThrownBy(() -> start(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("down-after-milliseconds")
        .hasMessageContaining("No such master");
    Files.writeString(conf, "port 0\nsentinel notification-script m /bin/true\n");
    assertThatThrownBy(() -> start(conf)).hasMessageContaining("runs no scripts");
    Files.writeString(conf, "port 0\nsentinel frobnicate m\n");
    assertThatThrownBy(() -> start(conf)).hasMessageContaining("'frobnicate'");
    assertThatThrownBy(() -> SentinelConfig.fromArgs(new String[] {"--port", "1"}))
        .hasMessageContaining("needs config file");
  }
}
