package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.Main;
import dev.cairn.cache.aof.CacheProcesses;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.common.faults.Launch;
import dev.cairn.common.faults.Readiness;
import dev.cairn.common.time.Clock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sentinel mode end to end with real clients: a Cairn primary (its own process, killed with
 * SIGKILL), two Cairn replicas and three Cairn sentinels (one a process started with {@code
 * --sentinel sentinel.conf}, as redis-sentinel). A JedisSentinelPool writer acknowledges each write
 * with WAIT 1; the primary dies under it; the sentinels agree it is down, elect a leader, promote
 * the replica with the most data and point the other replica at it. JedisSentinelPool and Lettuce's
 * sentinel URI find the new primary, every WAIT-acknowledged write is on it, and the old primary,
 * restarted empty, is turned into a replica of the new one — it never wipes it.
 */
class SentinelFailoverTest {
  private static final String NAME = "mymaster";

  @TempDir Path dir;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  private final List<CacheEngine> caches = new ArrayList<>();
  private final List<SentinelEngine> sentinels = new ArrayList<>();

  @AfterEach
  void stopAll() {
    sentinels.forEach(s -> s.stop(Duration.ZERO));
    caches.forEach(c -> c.stop(Duration.ZERO));
  }

  private CacheEngine replicaOf(String host, int port) throws Exception {
    Map<String, String> conf = new HashMap<>();
    conf.put("port", "0");
    conf.put("admin-port", "0");
    conf.put("replicaof", host + " " + port);
    conf.put("dir", Files.createTempDirectory(dir, "replica").toString());
    CacheEngine e = new CacheEngine(CacheConfig.of(conf));
    e.start();
    caches.add(e);
    return e;
  }

  private SentinelEngine sentinel(int i, String host, int port) throws Exception {
    Path conf = dir.resolve("sentinel-" + i + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "# a sentinel of the failover test",
            "port 0",
            "bind 127.0.0.1",
            "admin-port 0",
            "sentinel monitor " + NAME + " " + host + " " + port + " 2",
            "sentinel down-after-milliseconds " + NAME + " 1000",
            "sentinel failover-timeout " + NAME + " 6000",
            ""));
    SentinelEngine s =
        new SentinelEngine(SentinelConfig.fromArgs(new String[] {conf.toString()}), Clock.system());
    s.start();
    sentinels.add(s);
    return s;
  }

  /** A sentinel in its own process, started as redis-sentinel is: {@code --sentinel <conf>}. */
  private int sentinelProcess(EngineProcess p, String host, int port) throws Exception {
    String bind = p.address().getHostAddress();
    Path conf = p.directory().resolve("sentinel.conf").toAbsolutePath();
    Files.writeString(
        conf,
        String.join(
            "\n",
            "bind " + bind,
            "admin-bind " + bind,
            "sentinel monitor " + NAME + " " + host + " " + port + " 2",
            "sentinel down-after-milliseconds " + NAME + " 1000",
            "sentinel failover-timeout " + NAME + " 6000",
            ""));
    p.start(
        new Launch(
            List.of(
                // its output.log shows the sentinel's events
                "-Dorg.slf4j.simpleLogger.log.dev.cairn=info",
                "--add-exports",
                "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--sentinel",
                conf.toString())),
        Readiness.readyz(p.address(), SentinelConfig.DEFAULT_ADMIN_PORT));
    return SentinelConfig.DEFAULT_PORT;
  }

  private static int port(CacheEngine e) {
    return e.address().getPort();
  }

  private static Jedis client(int port) {
    return new Jedis("127.0.0.1", port, 5000);
  }

  @Test
  void killedPrimaryIsReplacedAndEveryWaitAcknowledgedWriteSurvives() throws Exception {
    EngineProcess primary = faults.process("primary");
    CacheProcesses.start(primary);
    String primaryHost = primary.address().getHostAddress();
    CacheEngine r1 = replicaOf(primaryHost, 6379);
    CacheEngine r2 = replicaOf(primaryHost, 6379);
    try (Jedis p = CacheProcesses.client(primary)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> p.info("replication").split("state=online").length == 3);
    }
    EngineProcess processSentinel = faults.process("sentinel");
    sentinelProcess(processSentinel, primaryHost, 6379);
    String processHost = processSentinel.address().getHostAddress();
    List<HostAndPort> all = new ArrayList<>();
    all.add(new HostAndPort(processHost, SentinelConfig.DEFAULT_PORT));
    for (int i = 1; i < 3; i++) {
      all.add(new HostAndPort("127.0.0.1", sentinel(i, primaryHost, 6379).address().getPort()));
    }
    Set<String> addresses = new LinkedHashSet<>();
    all.forEach(a -> addresses.add(a.toString()));
    // every sentinel knows both replicas and the two other sentinels before the failure
    for (HostAndPort s : all) {
      try (Jedis j = new Jedis(s.getHost(), s.getPort(), 5000)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() ->
                j.sentinelSentinels(NAME).size() == 2 && j.sentinelReplicas(NAME).size() == 2);
        assertThat(j.sentinelGetMasterAddrByName(NAME)).containsExactly(primaryHost, "6379");
        assertThat(j.role().get(0)).isEqualTo("sentinel");
        assertThat(j.info("sentinel")).contains("master0:name=" + NAME + ",status=ok");
      }
    }

    // +switch-master as a client of a sentinel sees it
    ConcurrentLinkedQueue<String> switches = new ConcurrentLinkedQueue<>();
    Jedis subscriber = new Jedis(processHost, SentinelConfig.DEFAULT_PORT, 5000);
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onMessage(String channel, String message) {
            switches.add(message);
          }
        };
    Thread subscribing = new Thread(() -> subscriber.subscribe(listener, "+switch-master"));
    subscribing.start();

    RedisClient lettuce =
        RedisClient.create(
            RedisURI.Builder.sentinel("127.0.0.1", sentinels.get(0).address().getPort(), NAME)
                .withSentinel("127.0.0.1", sentinels.get(1).address().getPort())
                .withTimeout(Duration.ofSeconds(2))
                .build());
    try (JedisSentinelPool pool = new JedisSentinelPool(NAME, addresses);
        StatefulRedisConnection<String, String> lc = lettuce.connect()) {
      RedisCommands<String, String> lettuceSync = lc.sync();
      assertThat(lettuceSync.set("lettuce-before", "1")).isEqualTo("OK");

      List<String> acked = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ackedAfterKill = new AtomicLong();
      AtomicBoolean killed = new AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  String key = "k" + i;
                  try (Jedis j = pool.getResource()) {
                    j.set(key, "v" + i);
                    if (j.waitReplicas(1, 1000) >= 1) {
                      synchronized (acked) {
                        acked.add(key);
                      }
                      if (killed.get()) {
                        ackedAfterKill.incrementAndGet();
                      }
                    }
                  } catch (JedisException e) {
                    sleep(20); // the primary is gone: the pool follows the sentinels
                  }
                }
              },
              "writer");
      writer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> size(acked) > 200);
      primary.kill();
      killed.set(true);
      long killedAt = System.nanoTime();

      await().atMost(Duration.ofSeconds(30)).until(() -> ackedAfterKill.get() > 50);
      stop.set(true);
      writer.join(10_000);
      long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;

      int newPort = pool.getCurrentHostMaster().getPort();
      assertThat(newPort).isIn(port(r1), port(r2));
      CacheEngine promoted = newPort == port(r1) ? r1 : r2;
      CacheEngine other = promoted == r1 ? r2 : r1;
      for (HostAndPort s : all) {
        try (Jedis j = new Jedis(s.getHost(), s.getPort(), 5000)) {
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() ->
                  j.sentinelGetMasterAddrByName(NAME)
                      .equals(List.of("127.0.0.1", Integer.toString(newPort))));
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !switches.isEmpty());
      assertThat(switches.peek())
          .isEqualTo(NAME + " " + primaryHost + " 6379 127.0.0.1 " + newPort);

      try (Jedis p = client(newPort)) {
        assertThat(p.role().get(0)).isEqualTo("master");
        List<String> keys;
        synchronized (acked) {
          keys = List.copyOf(acked);
        }
        List<String> values = p.mget(keys.toArray(String[]::new));
        for (int i = 0; i < keys.size(); i++) {
          assertThat(values.get(i))
              .as("WAIT-acknowledged %s (failover took %d ms)", keys.get(i), failoverMillis)
              .isEqualTo("v" + keys.get(i).substring(1));
        }
      }
      try (Jedis o = client(port(other))) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> {
              String info = o.info("replication");
              return info.contains("master_port:" + newPort)
                  && info.contains("master_link_status:up");
            });
      }

      // Lettuce reconnects through its sentinels to the new primary
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(() -> "OK".equals(lettuceSync.set("lettuce-after", "1")));
      assertThat(lettuceSync.get("lettuce-before")).isEqualTo("1");
      try (Jedis p = client(newPort)) {
        assertThat(p.get("lettuce-after")).isEqualTo("1");
      }

      // the old primary comes back empty: it becomes a replica and the data stays
      long keysBefore;
      try (Jedis p = client(newPort)) {
        keysBefore = p.dbSize();
      }
      primary.restart();
      // (the sentinel's reconfiguration ends with CLIENT KILL TYPE normal: poll on new connections)
      await()
          .atMost(Duration.ofSeconds(25))
          .ignoreExceptions()
          .until(() -> {
            try (Jedis old = CacheProcesses.client(primary)) {
              String info = old.info("replication");
              return info.contains("role:slave")
                  && info.contains("master_port:" + newPort)
                  && info.contains("master_link_status:up");
            }
          });
      try (Jedis p = client(newPort)) {
        assertThat(p.dbSize()).isEqualTo(keysBefore);
        assertThat(p.role().get(0)).isEqualTo("master");
      }
      try (Jedis old = CacheProcesses.client(primary)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> old.dbSize() == keysBefore);
      }
    } finally {
      listener.unsubscribe();
      subscribing.join(5000);
      subscriber.close();
      lettuce.shutdown();
    }
  }

  private static int size(List<String> list) {
    synchronized (list) {
      return list.size();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
