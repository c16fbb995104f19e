package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn and Apache ZooKeeper 3.9 servers (real processes on one zoo.cfg) replicate together over
 * ZooKeeper's quorum protocol, with either kind leading: what a client writes through any server —
 * a Cairn server forwarding to a ZooKeeper leader, a ZooKeeper server forwarding to a Cairn one —
 * every server serves, read with the real ZooKeeper client after a sync; a session a client holds
 * on a server of one kind lives (pings) and ends (its ephemerals go) across the ensemble.
 */
class MixedEnsembleQuorumTest {
  private static final long TIMEOUT_MILLIS = 60_000;

  /** ZooKeeper 2, 3 and Cairn 1: all empty, so 3 (ZooKeeper) leads and Cairn follows it. */
  @Test
  void aCairnServerFollowsAZooKeeperLeader(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      ensemble.configure(List.of(1, 2, 3));
      ensemble.startMixed(3, List.of(2, 1), Set.of(2, 3));
      assertThat(ensemble.awaitLeader(Set.of(1, 2, 3), TIMEOUT_MILLIS)).isEqualTo(3);
      replicates(ensemble, 1);
    }
  }

  /** Cairn 2, 3 and ZooKeeper 1: Cairn 3 leads, ZooKeeper follows it. */
  @Test
  void aZooKeeperServerFollowsACairnLeader(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      ensemble.configure(List.of(1, 2, 3));
      ensemble.startMixed(3, List.of(2, 1), Set.of(1));
      assertThat(ensemble.awaitLeader(Set.of(1, 2, 3), TIMEOUT_MILLIS)).isEqualTo(3);
      replicates(ensemble, 1);
    }
  }

  /**
   * Observers of both kinds (ZooKeeper 4, Cairn 5) of a Cairn leader (3; voters Cairn 1 and
   * ZooKeeper 2) and then, once that leader is killed, of a ZooKeeper leader (2): each serves
   * everything written through any server (ZooKeeper observers take committed txns as INFORMs).
   */
  @Test
  void observersOfEitherKindFollowLeadersOfEitherKind(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      List<Integer> ids = List.of(1, 2, 3, 4, 5);
      ids.forEach(ensemble::allocate);
      List<String> lines =
          ensemble.serverLines(ids).stream()
              .map(l ->
                  l.startsWith("server.4=") || l.startsWith("server.5=")
                      ? l.replaceFirst(";", ":observer;")
                      : l)
              .toList();
      for (int id : ids) {
        ensemble.writeConfig(id, lines);
      }
      ensemble.startMixed(3, List.of(1, 2, 4, 5), Set.of(2, 4));
      assertThat(ensemble.awaitLeader(Set.of(1, 2, 3), TIMEOUT_MILLIS)).isEqualTo(3);
      List<String> written = new ArrayList<>();
      writeAndReadBack(ensemble, List.of(1, 2, 3, 4, 5), List.of(4, 5), "/c", written);

      ensemble.kill(3);
      assertThat(ensemble.awaitLeader(Set.of(1, 2), TIMEOUT_MILLIS)).isEqualTo(2);
      writeAndReadBack(ensemble, List.of(1, 2, 4, 5), List.of(4, 5), "/z", written);
    }
  }

  /**
   * Creates through each of {@code via}; every path written so far is served by {@code observers}.
   */
  private static void writeAndReadBack(
      ProcessEnsemble ensemble,
      List<Integer> via,
      List<Integer> observers,
      String prefix,
      List<String> written)
      throws Exception {
    for (int id : via) {
      ZooKeeper zk = ensemble.connect(ensemble.connectString(List.of(id)));
      for (int i = 0; i < 10; i++) {
        String path = prefix + id + "-" + i;
        zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        written.add(path);
      }
    }
    for (int id : observers) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
      while (!ensemble.mode(id).equals("observer") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(ensemble.mode(id)).as("server %d", id).isEqualTo("observer");
      ZooKeeper zk = ensemble.connect(ensemble.connectString(List.of(id)));
      sync(zk, "/");
      List<String> children = zk.getChildren("/", false).stream().map(c -> "/" + c).toList();
      assertThat(children).as("served by observer %d", id).containsAll(written);
    }
  }

  /**
   * Writes through every server (the leader's own clients, and forwarded ones), reads everything
   * back from every server; an ephemeral of a session held at {@code lone} (the server of the
   * minority kind) outlives several session timeouts while its client is idle, and goes when the
   * session closes.
   */
  private static void replicates(ProcessEnsemble ensemble, int lone) throws Exception {
    Map<Integer, ZooKeeper> clients = new TreeMap<>();
    for (int id : List.of(1, 2, 3)) {
      clients.put(id, ensemble.connect(ensemble.connectString(List.of(id))));
    }
    clients
        .get(lone)
        .create("/mixed", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    List<String> written = new ArrayList<>();
    for (var e : clients.entrySet()) {
      for (int i = 0; i < 20; i++) {
        String path = "/mixed/s" + e.getKey() + "-" + i;
        e.getValue()
            .create(
                path,
                path.getBytes(StandardCharsets.UTF_8),
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        written.add(path);
      }
    }
    clients.get(lone).setData("/mixed", "updated".getBytes(StandardCharsets.UTF_8), 0);
    ZooKeeper owner = clients.get(lone);
    owner.create(
        "/mixed/ephemeral", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    for (var e : clients.entrySet()) {
      ZooKeeper zk = e.getValue();
      sync(zk, "/mixed");
      for (String path : written) {
        assertThat(new String(zk.getData(path, false, null), StandardCharsets.UTF_8))
            .as("%s read at server %d", path, e.getKey())
            .isEqualTo(path);
      }
      assertThat(zk.getData("/mixed", false, null)).asString().isEqualTo("updated");
      assertThat(zk.exists("/mixed/ephemeral", false))
          .as("ephemeral at %d", e.getKey())
          .isNotNull();
    }

    // Sessions live by the pings of the server that holds them: well past the timeout (10 s),
    // with the owner idle, the leader still has its session.
    Thread.sleep(2 * owner.getSessionTimeout() + 2_000);
    for (var e : clients.entrySet()) {
      sync(e.getValue(), "/mixed");
      assertThat(e.getValue().exists("/mixed/ephemeral", false))
          .as("ephemeral at %d after the session timeout", e.getKey())
          .isNotNull();
    }

    owner.close();
    for (var e : clients.entrySet()) {
      if (e.getKey() != lone) {
        sync(e.getValue(), "/mixed");
        assertThat(e.getValue().exists("/mixed/ephemeral", false))
            .as("ephemeral at %d after its session closed", e.getKey())
            .isNull();
      }
    }
  }

  static void sync(ZooKeeper zk, String path) throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
    assertThat(done.get(20, TimeUnit.SECONDS)).as("sync result").isZero();
  }
}
