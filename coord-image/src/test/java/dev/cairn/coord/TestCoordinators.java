package dev.cairn.coord;

import dev.cairn.common.testkit.EngineExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Test helpers: an in-process coordinator on free ports, and connected ZooKeeper clients. */
public final class TestCoordinators {
  private TestCoordinators() {}

  static CoordinatorConfig.Builder config() {
    try {
      Path dir = Files.createTempDirectory("coord-test");
      return CoordinatorConfig.builder(dir)
          .clientPort(0)
          .clientPortAddress("127.0.0.1")
          .adminPort(0)
          .adminAddress("127.0.0.1")
          .tickTime(200)
          .set("maxClientCnxns", 0)
          .set("4lw.commands.whitelist", "*");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static EngineExtension<CoordinatorEngine> extension() {
    return EngineExtension.of(() -> new CoordinatorEngine(config().build()));
  }

  /** A client connected (SyncConnected seen) to {@code engine}, with the given session timeout. */
  static ZooKeeper connect(CoordinatorEngine engine, int timeoutMs, Watcher events)
      throws Exception {
    return connect(engine.connectString(), timeoutMs, events);
  }

  /** A client connected (SyncConnected seen) to any ZooKeeper server, Apache's included. */
  public static ZooKeeper connect(String connectString, int timeoutMs, Watcher events)
      throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connectString,
            timeoutMs,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
              if (events != null) {
                events.process(e);
              }
            });
    if (!connected.await(10, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("client did not connect to " + connectString);
    }
    return zk;
  }

  static ZooKeeper connect(CoordinatorEngine engine) throws Exception {
    return connect(engine, 10_000, null);
  }
}
