package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.coord.persist.Snapshots;
import dev.cairn.coord.persist.TxnLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * A graceful restart over snapshots and log segments: tree, stats, sequence counters and live
 * sessions (with their ephemerals) come back, and the session resumes with its password.
 */
class RestartTest {
  @Test
  void stateAndSessionsSurviveARestart() throws Exception {
    CoordinatorConfig config =
        TestCoordinators.config().set("snapCount", 40).set("tickTime", 2000).build();
    CoordinatorEngine first = EngineExtension.startAndAwaitReady(new CoordinatorEngine(config));
    long sessionId;
    byte[] password;
    Stat before;
    ZooKeeper owner = TestCoordinators.connect(first, 20_000, null);
    try (ZooKeeper zk = TestCoordinators.connect(first)) {
      zk.create("/r", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      for (int i = 0; i < 150; i++) {
        zk.create(
            "/r/n-",
            new byte[] {(byte) i},
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT_SEQUENTIAL);
      }
      zk.setData("/r", new byte[] {1}, 0);
      owner.create("/r-eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      sessionId = owner.getSessionId();
      password = owner.getSessionPasswd();
      before = zk.exists("/r", false);
    } finally {
      first.stop(Duration.ofSeconds(5));
    }
    assertThat(Snapshots.list(config.dataDir())).hasSizeGreaterThan(2);
    assertThat(TxnLog.segments(config.dataLogDir())).hasSizeGreaterThan(2);

    CoordinatorEngine second =
        EngineExtension.startAndAwaitReady(
            new CoordinatorEngine(
                CoordinatorConfig.builder(config.dataDir())
                    .clientPort(0)
                    .clientPortAddress("127.0.0.1")
                    .adminEnabled(false)
                    .tickTime(2000)
                    .build()));
    owner.close();
    try (ZooKeeper zk = TestCoordinators.connect(second)) {
      Stat after = zk.exists("/r", false);
      assertThat(after).isEqualTo(before);
      assertThat(zk.getChildren("/r", false)).hasSize(150).contains("n-0000000149");
      assertThat(
              zk.create(
                  "/r/n-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL))
          .isEqualTo("/r/n-0000000150");
      assertThat(zk.exists("/r-eph", false).getEphemeralOwner()).isEqualTo(sessionId);

      CountDownLatch resumed = new CountDownLatch(1);
      ZooKeeper again =
          new ZooKeeper(
              second.connectString(),
              20_000,
              e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                  resumed.countDown();
                }
              },
              sessionId,
              password);
      assertThat(resumed.await(10, TimeUnit.SECONDS)).isTrue();
      again.close();
      assertThat(zk.exists("/r-eph", false)).as("closing the resumed session").isNull();
    } finally {
      second.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void watchesAreReRegisteredWhenTheClientReconnectsAfterARestart() throws Exception {
    int port = dev.cairn.common.testkit.FreePorts.next();
    CoordinatorConfig config =
        TestCoordinators.config().clientPort(port).set("tickTime", 2000).build();
    CoordinatorEngine first = EngineExtension.startAndAwaitReady(new CoordinatorEngine(config));
    java.util.concurrent.BlockingQueue<String> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    ZooKeeper watcher = TestCoordinators.connect(first, 20_000, null);
    CoordinatorEngine second = null;
    try {
      watcher.create("/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      // Watchers also see the connection's state changes (type None): only node events count.
      org.apache.zookeeper.Watcher nodeEvents =
          e -> {
            if (e.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
              events.add(e.getType() + " " + e.getPath());
            }
          };
      watcher.getData("/x", nodeEvents, null);
      watcher.exists("/y", nodeEvents);
      first.stop(Duration.ofSeconds(5));
      second = EngineExtension.startAndAwaitReady(new CoordinatorEngine(config));
      try (ZooKeeper other = TestCoordinators.connect(second)) {
        // The watcher's client reconnects on its own and re-sends its watches (setWatches).
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> watcher.getState() == ZooKeeper.States.CONNECTED);
        watcher.sync("/", (rc, path, ctx) -> {}, null);
        watcher.exists("/", false);
        other.setData("/x", new byte[] {1}, -1);
        other.create("/y", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeDataChanged /x");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeCreated /y");
      }
    } finally {
      watcher.close();
      first.stop(Duration.ZERO);
      if (second != null) {
        second.stop(Duration.ofSeconds(5));
      }
    }
  }
}
