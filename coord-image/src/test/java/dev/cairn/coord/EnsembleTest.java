package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.common.testkit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three in-process coordinators configured as a ZooKeeper ensemble, used with the real client. */
class EnsembleTest {
  private final Map<Integer, CoordinatorEngine> servers = new TreeMap<>();
  private final Map<Integer, CoordinatorConfig> configs = new TreeMap<>();
  private final List<ZooKeeper> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> fatal = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    assertThat(fatal).as("no server failed").isEmpty();
    for (ZooKeeper zk : clients) {
      zk.close(1_000);
    }
    for (CoordinatorEngine engine : servers.values()) {
      engine.stop(Duration.ZERO);
    }
  }

  private void startEnsemble(int size) throws Exception {
    startEnsemble(size, 100_000);
  }

  private void startEnsemble(int size, int snapCount) throws Exception {
    Map<Integer, String> lines = new TreeMap<>();
    for (int id = 1; id <= size; id++) {
      lines.put(id, "127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
    }
    for (int id = 1; id <= size; id++) {
      CoordinatorConfig.Builder builder = TestCoordinators.config();
      for (Map.Entry<Integer, String> line : lines.entrySet()) {
        builder.set("server." + line.getKey(), line.getValue());
      }
      builder.set("initLimit", 10).set("syncLimit", 5).set("snapCount", snapCount);
      CoordinatorConfig config = builder.build();
      Files.writeString(config.dataDir().resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
      configs.put(id, config);
      start(id);
    }
    awaitOneLeader();
  }

  private void start(int id) throws Exception {
    CoordinatorEngine engine = new CoordinatorEngine(configs.get(id), fatal::add);
    engine.start();
    servers.put(id, engine);
  }

  private int awaitOneLeader() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() ->
            servers.values().stream().allMatch(CoordinatorEngine::ready)
                && servers.values().stream().filter(e -> e.mode().equals("leader")).count() == 1);
    return servers.entrySet().stream()
        .filter(e -> e.getValue().mode().equals("leader"))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  private ZooKeeper client(int... ids) throws Exception {
    String connect =
        java.util.Arrays.stream(ids)
            .mapToObj(id -> servers.get(id).connectString())
            .collect(Collectors.joining(","));
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            6_000,
            e -> {
              if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    clients.add(zk);
    return zk;
  }

  @Test
  void oneLeaderIsElectedAndWritesOnAnyServerAreReadOnEvery() throws Exception {
    startEnsemble(3);
    assertThat(servers.values().stream().map(CoordinatorEngine::mode).sorted().toList())
        .containsExactly("follower", "follower", "leader");

    ZooKeeper one = client(1);
    ZooKeeper three = client(3);
    one.create("/a", "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    three.setData("/a", "2".getBytes(), 0);
    assertThatThrownBy(() -> one.setData("/a", "3".getBytes(), 0))
        .isInstanceOf(KeeperException.BadVersionException.class);
    three.sync("/a", (rc, path, ctx) -> {}, null);
    assertThat(new String(three.getData("/a", false, null))).isEqualTo("2");
    ZooKeeper two = client(2);
    two.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(new String(two.getData("/a", false, null))).isEqualTo("2");
  }

  /**
   * Clients on every server race to compare-and-set one node (read it, then setData with the
   * version read): each success must be exactly one step, so the successes add up to the final
   * version. A server that applied committed txns out of zxid order let two clients pass the same
   * version check.
   */
  @Test
  void concurrentCompareAndSetsThroughEveryServerEachSucceedOnce() throws Exception {
    startEnsemble(3);
    client(1).create("/cas", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    java.util.concurrent.atomic.AtomicInteger swapped =
        new java.util.concurrent.atomic.AtomicInteger();
    List<java.util.concurrent.Callable<Void>> racers = new ArrayList<>();
    java.util.Set<Long> sessionIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 6; i++) {
      int server = i % 3 + 1;
      racers.add(() -> {
        // Sessions opened at once on every server: each must get an id of its own.
        ZooKeeper zk = client(server);
        assertThat(sessionIds.add(zk.getSessionId())).as("a session id given twice").isTrue();
        for (int n = 0; n < 200; n++) {
          org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
          int value = Integer.parseInt(new String(zk.getData("/cas", false, stat)));
          assertThat(value).as("data written with its version").isEqualTo(stat.getVersion());
          try {
            zk.setData("/cas", Integer.toString(value + 1).getBytes(), value);
            swapped.incrementAndGet();
          } catch (KeeperException.BadVersionException e) {
            // another client swapped first
          }
        }
        return null;
      });
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(racers.size());
    try {
      for (java.util.concurrent.Future<Void> racer : pool.invokeAll(racers)) {
        racer.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int id : servers.keySet()) {
      ZooKeeper zk = client(id);
      zk.sync("/cas", (rc, path, ctx) -> {}, null);
      org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
      assertThat(new String(zk.getData("/cas", false, stat)))
          .as("server %d", id)
          .isEqualTo(Integer.toString(swapped.get()));
      assertThat(stat.getVersion()).isEqualTo(swapped.get());
    }
  }

  @Test
  void theConfigNodeShowsTheEnsembleAndReconfigIsRefusedUnlessEnabled() throws Exception {
    startEnsemble(3);
    ZooKeeper one = client(1);
    String config =
        new String(
            one.getConfig(false, new org.apache.zookeeper.data.Stat()), StandardCharsets.UTF_8);
    for (int id = 1; id <= 3; id++) {
      assertThat(config).contains("server." + id + "=127.0.0.1:");
    }
    assertThat(config).contains(":participant").endsWith("version=0");
    org.apache.zookeeper.admin.ZooKeeperAdmin admin =
        new org.apache.zookeeper.admin.ZooKeeperAdmin(
            servers.get(2).connectString(), 6_000, e -> {});
    clients.add(admin);
    assertThatThrownBy(() -> admin.reconfigure(null, "3", null, -1, null))
        .isInstanceOf(KeeperException.ReconfigDisabledException.class);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertThatThrownBy(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    return org.assertj.core.api.Assertions.assertThatThrownBy(call);
  }

  @Test
  void theLeaderStoppingLosesNoAcknowledgedWriteAndSessionsMoveToOtherServers() throws Exception {
    startEnsemble(3);
    int leader = awaitOneLeader();
    int follower = leader == 1 ? 2 : 1;
    int other = 6 - leader - follower;
    ZooKeeper zk = client(follower, other);
    zk.create("/owner", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      acknowledged.add(
          zk.create(
              "/n-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
    }
    long session = zk.getSessionId();

    servers.remove(leader).stop(Duration.ZERO);
    awaitOneLeader();
    for (int i = 0; i < 20; i++) {
      acknowledged.add(createRetrying(zk, "/m-"));
    }
    assertThat(zk.getSessionId()).isEqualTo(session);
    assertThat(zk.exists("/owner", false)).isNotNull();

    ZooKeeper reader = client(other);
    reader.sync("/", (rc, path, ctx) -> {}, null);
    List<String> children = reader.getChildren("/", false);
    assertThat(acknowledged).allSatisfy(path -> assertThat(children).contains(path.substring(1)));

    start(leader);
    await().atMost(Duration.ofSeconds(20)).until(() -> servers.get(leader).ready());
    ZooKeeper back = client(leader);
    back.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(back.getChildren("/", false)).containsAll(children);
  }

  @Test
  void aServerThatFellBehindTheLeadersSnapshotCatchesUpFromIt() throws Exception {
    startEnsemble(3, 10);
    int leader = awaitOneLeader();
    int behind = leader == 3 ? 2 : 3;
    int other = 6 - leader - behind;
    ZooKeeper zk = client(leader);
    for (int i = 0; i < 30; i++) {
      zk.create("/before-" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    servers.remove(behind).stop(Duration.ZERO);
    for (int i = 0; i < 60; i++) {
      zk.create("/after-" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    start(behind);
    await().atMost(Duration.ofSeconds(20)).until(() -> servers.get(behind).ready());
    ZooKeeper caughtUp = client(behind);
    caughtUp.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(caughtUp.getChildren("/", false)).hasSize(91);

    // Every server restarts from its own snapshot and log and still agrees.
    for (int id : List.copyOf(servers.keySet())) {
      servers.remove(id).stop(Duration.ZERO);
    }
    for (int id = 1; id <= 3; id++) {
      start(id);
    }
    awaitOneLeader();
    ZooKeeper again = client(other);
    again.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(again.getChildren("/", false)).hasSize(91);
  }

  @Test
  void zkCliWritesThroughOneServerAndReadsThroughAnotherAfterSync() throws Exception {
    assumeTrue(ZkCli.installed(), "zkCli.sh is installed by scripts/install-test-peers");
    startEnsemble(3);
    String wrote =
        ZkCli.run(
            servers.get(1).connectString(),
            String.join("\n", "create /cli hello", "create -s /cli/s- x", "set /cli world"));
    assertThat(wrote).contains("Created /cli\n", "Created /cli/s-0000000000\n");
    String read =
        ZkCli.run(
            servers.get(3).connectString(),
            String.join("\n", "sync /cli", "get /cli", "ls /cli", "stat /cli"));
    assertThat(read).contains("world\n", "[s-0000000000]", "dataVersion = 1\n");
  }

  @Test
  void aWrongMyidOrStandaloneDataRefusesTheStart() throws Exception {
    CoordinatorConfig.Builder builder = TestCoordinators.config();
    builder.set("server.1", "127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
    builder.set("server.2", "127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
    CoordinatorConfig config = builder.build();
    Files.writeString(config.dataDir().resolve("myid"), "9\n");
    assertThatThrownBy(() -> new CoordinatorEngine(config, fatal::add).start())
        .hasMessageContaining("myid 9")
        .hasMessageContaining("[1, 2]");

    CoordinatorEngine standalone =
        new CoordinatorEngine(
            TestCoordinators.config().set("dataDir", config.dataDir().toString()).build(),
            fatal::add);
    standalone.start();
    try (ZooKeeper zk = TestCoordinators.connect(standalone)) {
      zk.create("/kept", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    standalone.stop(Duration.ZERO);
    Files.writeString(config.dataDir().resolve("myid"), "1\n");
    assertThatThrownBy(() -> new CoordinatorEngine(config, fatal::add).start())
        .hasMessageContaining("holds standalone data");
  }

  private static String createRetrying(ZooKeeper zk, String prefix) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return zk.create(
            prefix, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
      } catch (KeeperException.ConnectionLossException e) {
        if (attempt > 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
