package dev.cairn.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

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
   * A scale-down: the last replica's pod is gone; the sentinels, which never forget a replica, list
   * it down until the operator resets them, one at a time, each after the one before has found the
   * other sentinels and the live replica again; then they list the live one only. While the pod is
   * still there (a restart), nothing is reset.
   */
  @Test
  void afterAScaleDownTheSentinelsAreResetOneAtATimeAndForgetTheRemovedReplica() throws Exception {
    Cluster c = start(null);
    servers.get(2).stop(Duration.ZERO);
    List<PodView> restarting = new ArrayList<>(c.serverPods());
    restarting.set(2, new PodView("orders-2", 2, false, "h", "img", false, c.net() + "3"));
    for (PodView s : c.sentinelPods()) {
      until(
          () -> {
            c.replication().observe(c.cache(), restarting, c.sentinelPods(), null);
            return sentinel(c, s, "REPLICAS");
          },
          r -> r instanceof List<?> l && l.toString().contains("s_down"),
          Duration.ofSeconds(15));
    }
    CacheView view = c.replication().observe(c.cache(), restarting, c.sentinelPods(), null);
    assertThat(view.restartBlocked()).contains("1 of 2 replicas are online");
    for (PodView s : c.sentinelPods()) {
      assertThat(sentinel(c, s, "REPLICAS")).asList().hasSize(2);
    }

    List<PodView> remaining = c.serverPods().subList(0, 2);
    until(
        () -> {
          CacheView v = c.replication().observe(c.cache(), remaining, c.sentinelPods(), null);
          int resetting = 0;
          boolean forgotten = true;
          for (PodView s : c.sentinelPods()) {
            Map<String, String> master = SentinelSight.fields((List<?>) sentinel(c, s, "MASTER"));
            resetting += Integer.parseInt(master.get("num-other-sentinels")) < 2 ? 1 : 0;
            forgotten &= "1".equals(master.get("num-slaves"));
          }
          assertThat(resetting).as("sentinels reset and not rediscovered yet").isLessThan(2);
          return forgotten && v.restartBlocked() == null;
        },
        done -> done,
        Duration.ofSeconds(30));
    for (PodView s : c.sentinelPods()) {
      assertThat(sentinel(c, s, "REPLICAS").toString()).contains(c.net() + "2,");
    }
    // the reset sentinels found each other again: a failover can still be agreed on
    assertThat(sentinel(c, c.sentinelPods().get(0), "CKQUORUM")).asString().startsWith("OK");
  }

  /**
   * A rotated password, moved live onto the running servers and sentinels ({@link
   * CachePasswordRotation}): a client connected with the old one keeps working, new clients get in
   * with the new one only, replication goes on, also over links made anew (masterauth), and the
   * sentinels still reach every server after their connections are cut (auth-pass).
   */
  @Test
  void aRotatedPasswordReachesTheRunningServersAndSentinelsWithoutAnOutage() throws Exception {
    Cluster c = start("old pass");
    CachePasswordRotation rotation =
        new CachePasswordRotation(c.serverPort(), c.sentinelPort(), Duration.ofMillis(500));
    HostAndPort primary = new HostAndPort(c.net() + "1", c.serverPort());
    // an earlier rotation, abandoned when the Secret changed again, left one server with its
    // target only: the operator must still reach it, and the new password must end it
    try (Jedis third = new Jedis(new HostAndPort(c.net() + "3", c.serverPort()))) {
      third.auth("old pass");
      third.configSet("requirepass", "abandoned pass");
    }
    try (Jedis before = new Jedis(primary)) {
      before.auth("old pass");
      until(
          () ->
              Objects.requireNonNullElse(
                  rotation.rotate(
                      "orders",
                      c.serverPods(),
                      c.sentinelPods(),
                      List.of("old pass", "abandoned pass"),
                      "new pass",
                      true),
                  "done"),
          "done"::equals,
          Duration.ofSeconds(10));
      assertThat(before.set("during", "1")).isEqualTo("OK"); // authenticated before: still served
    }
    for (int i = 0; i < 3; i++) {
      for (String stale : List.of("old pass", "abandoned pass")) {
        try (Jedis refused = new Jedis(new HostAndPort(c.net() + (i + 1), c.serverPort()))) {
          assertThatThrownBy(() -> refused.auth(stale))
              .isInstanceOf(JedisDataException.class)
              .hasMessageContaining("WRONGPASS");
        }
      }
    }
    try (Jedis after = new Jedis(primary)) {
      after.auth("new pass");
      assertThat(after.set("after", "2")).isEqualTo("OK");
      assertThat(after.waitReplicas(2, 5000)).isEqualTo(2);
    }
    // a pod restarted meanwhile starts with the Secret's new password and replicates with it
    servers.get(2).stop(Duration.ZERO);
    Map<String, String> conf = new HashMap<>(c.confs().get(2));
    conf.put("requirepass", "new pass");
    conf.put("masterauth", "new pass");
    CacheEngine restarted = new CacheEngine(CacheConfig.of(conf));
    restarted.start();
    servers.set(2, restarted);
    // every other connection cut: replica links and sentinels come back with the new password
    for (int i = 0; i < 2; i++) {
      try (Jedis server = new Jedis(new HostAndPort(c.net() + (i + 1), c.serverPort()))) {
        server.auth("new pass");
        for (String type : List.of("replica", "pubsub", "normal")) {
          server.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", type);
        }
      }
    }
    Thread.sleep(2 * c.cache().getSpec().sentinel.downAfterMilliseconds);
    CacheView view =
        until(
            () -> c.replication().observe(c.cache(), c.serverPods(), c.sentinelPods(), "new pass"),
            v -> "orders-0".equals(v.primaryPod()) && v.restartBlocked() == null,
            Duration.ofSeconds(15));
    assertThat(view.replicas()).allMatch(r -> "online".equals(r.state));
    try (Jedis replica = new Jedis(new HostAndPort(c.net() + "3", c.serverPort()))) {
      replica.auth("new pass");
      assertThat(replica.get("after")).isEqualTo("2");
    }
  }

  private static Object sentinel(Cluster c, PodView s, String command) throws Exception {
    return Resp.call(
        new InetSocketAddress(s.ip(), c.sentinelPort()),
        Duration.ofSeconds(1),
        "SENTINEL",
        command,
        "orders");
  }

  /**
   * @param planned hand the primary over ({@link CacheReplication#handOver}) instead of stopping it
   *     and starting it again at once
   */
  private void bootstrapMonitorAndFailOver(String password, boolean planned) throws Exception {
    Cluster c = start(password);
    String net = c.net();
    int serverPort = c.serverPort();
    List<PodView> serverPods = c.serverPods();
    List<PodView> sentinelPods = c.sentinelPods();
    List<Map<String, String>> confs = c.confs();
    CacheCluster cache = c.cache();
    CacheReplication replication = c.replication();
    InetSocketAddress primary = new InetSocketAddress(net + "1", serverPort);
    CacheView view = c.view();
    if (planned) {
      assertThat(replication.handOver(cache, view, password))
          .startsWith("SENTINEL FAILOVER orders started")
          .endsWith(" promoted");
      // demoted by the hand-over itself, before its pause ends: a client still writing to it gets
      // READONLY, never an OK the new primary lacks
      assertThat(Resp.callWithAuth(primary, Duration.ofSeconds(12), password, "SET", "late", "1"))
          .isInstanceOfSatisfying(
              Resp.Error.class, e -> assertThat(e.message()).startsWith("READONLY"));
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
    // The old primary (handed over, or restarted) ends up a replica of the new one. Handed over it
    // is still a master; the sentinels convert it once its INFO (every 10 s) says so and it has
    // said so for 4 hello periods (8 s), as Redis's: up to about 20 s. Their reconfiguration ends
    // with CLIENT KILL TYPE normal, which may cut this probe's connection.
    until(
        () ->
            Resp.quietly(
                new InetSocketAddress(net + "1", serverPort),
                Duration.ofSeconds(1),
                password,
                "ROLE"),
        r ->
            r instanceof List<?> role
                && "slave".equals(role.get(0))
                && (net + (promoted + 1)).equals(role.get(1)),
        Duration.ofSeconds(30));
  }

  /** Three servers and three sentinels, each on its own loopback address, as pods. */
  private record Cluster(
      String net,
      int serverPort,
      int sentinelPort,
      List<PodView> serverPods,
      List<PodView> sentinelPods,
      List<Map<String, String>> confs,
      CacheCluster cache,
      CacheReplication replication,
      CacheView view) {}

  /**
   * Starts the cluster and observes until pod 0 is the primary with both replicas online and in
   * step, and every sentinel knows both replicas.
   */
  private Cluster start(String password) throws Exception {
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
    // Every sentinel must know both replicas (their INFO read) and the other sentinels before the
    // primary goes, else none could be promoted: what the operator waits for before a restart.
    view =
        until(
            () -> replication.observe(cache, serverPods, sentinelPods, password),
            v -> v.restartBlocked() == null,
            Duration.ofSeconds(20));
    return new Cluster(
        net, serverPort, sentinelPort, serverPods, sentinelPods, confs, cache, replication, view);
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
