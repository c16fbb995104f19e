package dev.cairn.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.sentinel.SentinelConfig;
import dev.cairn.cache.sentinel.SentinelEngine;
import dev.cairn.common.time.Clock;
import dev.cairn.operator.common.PodView;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CacheReplication} against real Cairn cache servers and sentinels, each on its own loopback
 * address with the same port as pods have: the operator makes pod 0 the primary and the others its
 * replicas, has the sentinels monitor it, reports replicas and offsets from the primary, and after
 * the primary dies names the replica the sentinels promoted, which holds the data.
 */
class CacheReplicationTest {
  @TempDir Path dir;

  private final List<CacheEngine> servers = new ArrayList<>();
  private final List<SentinelEngine> sentinels = new ArrayList<>();

  @AfterEach
  void stop() {
    sentinels.forEach(s -> s.stop(Duration.ZERO));
    servers.forEach(s -> s.stop(Duration.ZERO));
  }

  @Test
  void bootstrapsMonitorsAndFollowsAFailover() throws Exception {
    bootstrapMonitorAndFailOver(null, false);
  }

  /**
   * Servers with requirepass and masterauth: the operator AUTHs its probes and REPLICAOF, and gives
   * the sentinels the auth-pass after SENTINEL MONITOR, without which they see the primary down.
   */
  @Test
  void withAPasswordTheOperatorAuthenticatesAndTheSentinelsGetItsAuthPass() throws Exception {
    bootstrapMonitorAndFailOver("s3cret pass", false);
  }

  /**
   * A rolling restart's hand-over with the primary alive: writes paused, replicas caught up,
   * SENTINEL FAILOVER; a replica is promoted with the data and the old primary follows it.
   */
  @Test
  void aPlannedFailoverHandsThePrimaryToACaughtUpReplica() throws Exception {
    bootstrapMonitorAndFailOver("s3cret", true);
  }

  /**
   * @param planned hand the primary over ({@link CacheReplication#handOver}) instead of stopping it
   *     and starting it again at once
   */
  private void bootstrapMonitorAndFailOver(String password, boolean planned) throws Exception {
    String net = "127.0." + ThreadLocalRandom.current().nextInt(100, 250) + ".";
    int serverPort = freePort(net + "1");
    int sentinelPort = freePort(net + "11");
    List<PodView> serverPods = new ArrayList<>();
    List<PodView> sentinelPods = new ArrayList<>();
    List<Map<String, String>> confs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String ip = net + (i + 1);
      Map<String, String> conf = new HashMap<>();
      conf.put("port", Integer.toString(serverPort));
      conf.put("bind", ip);
      conf.put("bind-source-addr", ip);
      conf.put("admin-port", "0");
      conf.put("dir", Files.createTempDirectory(dir, "server").toString());
      if (password != null) {
        conf.put("requirepass", password);
        conf.put("masterauth", password);
      }
      conf.put("replicaof", CacheReplication.NO_PRIMARY); // as the pods start
      confs.add(conf);
      CacheEngine e = new CacheEngine(CacheConfig.of(conf));
      e.start();
      servers.add(e);
      serverPods.add(new PodView("orders-" + i, i, true, "h", "img", false, ip));

      String sip = net + (i + 11);
      Path sconf = dir.resolve("sentinel-" + i + ".conf");
      Files.writeString(sconf, "port " + sentinelPort + "\nbind " + sip + "\nadmin-port 0\n");
      SentinelEngine s =
          new SentinelEngine(
              SentinelConfig.fromArgs(new String[] {sconf.toString()}), Clock.system());
      s.start();
      sentinels.add(s);
      sentinelPods.add(new PodView("orders-sentinel-" + i, i, true, "h", "img", false, sip));
    }
    CacheCluster cache = new CacheCluster();
    cache.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("ns").build());
    cache.getSpec().mode = CacheMode.REPLICATED;
    cache.getSpec().sentinel = new CacheSentinel();
    cache.getSpec().sentinel.downAfterMilliseconds = 1000;
    cache.getSpec().sentinel.failoverTimeout = 6000;
    CacheReplication replication =
        new CacheReplication(serverPort, sentinelPort, Duration.ofMillis(500));

    CacheView view =
        until(
            () -> replication.observe(cache, serverPods, sentinelPods, password),
            v ->
                "orders-0".equals(v.primaryPod())
                    && v.replicas().size() == 2
                    && v.replicas().stream().allMatch(r -> "online".equals(r.state)),
            Duration.ofSeconds(15));
    assertThat(view.replicas())
        .extracting(r -> r.pod)
        .containsExactlyInAnyOrder("orders-1", "orders-2");

    InetSocketAddress primary = new InetSocketAddress(net + "1", serverPort);
    assertThat(Resp.callWithAuth(primary, Duration.ofSeconds(2), password, "SET", "acked", "yes"))
        .isEqualTo("OK");
    view =
        until(
            () -> replication.observe(cache, serverPods, sentinelPods, password),
            v -> v.replicas().stream().allMatch(r -> r.offset.equals(v.offset())),
            Duration.ofSeconds(10));
    assertThat(view.offset()).isPositive();
    // Every sentinel must know both replicas before the primary goes, else none can be promoted.
    for (PodView s : sentinelPods) {
      until(
          () ->
              Resp.call(
                  new InetSocketAddress(s.ip(), sentinelPort),
                  Duration.ofSeconds(1),
                  "SENTINEL",
                  "REPLICAS",
                  "orders"),
          r -> r instanceof List<?> l && l.size() == 2,
          Duration.ofSeconds(20));
    }

    if (planned) {
      assertThat(replication.handOver(cache, view, password)).startsWith("SENTINEL FAILOVER");
    } else {
      // Stopped and back at once at the same address with its data, as a deleted pod in the local
      // cluster: it must not take writes while the sentinels promote a replica.
      servers.get(0).stop(Duration.ZERO);
      CacheEngine restarted = new CacheEngine(CacheConfig.of(confs.get(0)));
      restarted.start();
      servers.set(0, restarted);
      assertThat(Resp.callWithAuth(primary, Duration.ofSeconds(2), password, "SET", "lost", "1"))
          .isInstanceOfSatisfying(
              Resp.Error.class, e -> assertThat(e.message()).startsWith("READONLY"));
    }
    view =
        until(
            () -> replication.observe(cache, serverPods, sentinelPods, password),
            v -> v.primaryPod() != null && !v.primaryPod().equals("orders-0"),
            Duration.ofSeconds(30));
    int promoted = view.primaryPod().equals("orders-1") ? 1 : 2;
    assertThat(
            Resp.callWithAuth(
                new InetSocketAddress(net + (promoted + 1), serverPort),
                Duration.ofSeconds(2),
                password,
                "GET",
                "acked"))
        .isEqualTo("yes");
    // the old primary (handed over, or restarted) ends up a replica of the new one
    until(
        () ->
            Resp.callWithAuth(
                new InetSocketAddress(net + "1", serverPort),
                Duration.ofSeconds(1),
                password,
                "ROLE"),
        r ->
            r instanceof List<?> role
                && "slave".equals(role.get(0))
                && (net + (promoted + 1)).equals(role.get(1)),
        Duration.ofSeconds(20));
  }

  private static int freePort(String ip) throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(ip, 0));
      return s.getLocalPort();
    }
  }

  interface Call<T> {
    T get() throws Exception;
  }

  /** Polls {@code call} every 200 ms until {@code done} holds; fails after {@code limit}. */
  private static <T> T until(Call<T> call, Predicate<T> done, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    T last = null;
    while (System.nanoTime() < end) {
      last = call.get();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not reached within " + limit + "; last: " + last);
  }
}
