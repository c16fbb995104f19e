package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.FreePorts;
import dev.cairn.coord.persist.LogFiles;
import dev.cairn.coord.persist.TxnLog;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator process and its data directories across crashes: kill -9 during a write load
 * (after a restart every acknowledged create and setData is there with its version, and no node
 * holds data its version does not explain), a corrupt log (the start is refused) and a log that can
 * no longer be written (the process ends with a non-zero status, for Kubernetes to restart it).
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  private Process start(Path cfg) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            cfg.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile())
        .start();
  }

  private static void awaitServing(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write("ruok".getBytes(StandardCharsets.US_ASCII));
        if (new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
            .equals("imok")) {
          return;
        }
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("coordinator did not start on port " + port);
  }

  private static ZooKeeper connect(int port) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            "127.0.0.1:" + port,
            30_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
    return zk;
  }

  /** The process ends by itself, with status 1, having logged {@code line}. */
  private void assertExitsWithStatus1(Process process, String line) throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server exits").isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("server.log"))).contains(line);
  }

  private static byte[] data(String path, int version) {
    return (path + "@" + version).getBytes(StandardCharsets.UTF_8);
  }

  private Path zooCfg(int port, int snapCount) throws IOException {
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "dataDir=" + dir.resolve("data"),
            "dataLogDir=" + dir.resolve("log"),
            "clientPort=" + port,
            "clientPortAddress=127.0.0.1",
            "admin.enableServer=false",
            "4lw.commands.whitelist=ruok",
            "maxClientCnxns=0",
            "snapCount=" + snapCount,
            "tickTime=2000",
            ""));
    return cfg;
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillDashNine() throws Exception {
    int port = FreePorts.next();
    Path cfg = zooCfg(port, 300);
    Process server = start(cfg);
    Map<String, Integer> acked = new ConcurrentHashMap<>();
    try {
      awaitServing(port);
      try (ZooKeeper setup = connect(port)) {
        setup.create("/d", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      }
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        Thread w =
            new Thread(() -> {
              try (ZooKeeper zk = connect(port)) {
                for (int n = 0; running.get(); n++) {
                  String path = "/d/w" + id + "-" + n;
                  zk.create(
                      path, data(path, 0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                  acked.put(path, 0);
                  for (int v = 1; v <= 2 && running.get(); v++) {
                    zk.setData(path, data(path, v), v - 1);
                    acked.put(path, v);
                  }
                }
              } catch (Exception e) {
                // The server was killed under us: writes after this point are unacknowledged.
              }
            });
        w.start();
        writers.add(w);
      }
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
      while (System.nanoTime() < until) {
        Thread.sleep(50);
      }
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      running.set(false);
      for (Thread w : writers) {
        w.join(40_000);
      }
    } finally {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(acked).hasSizeGreaterThan(100);

    Process restarted = start(cfg);
    try {
      awaitServing(port);
      try (ZooKeeper zk = connect(port)) {
        for (Map.Entry<String, Integer> e : acked.entrySet()) {
          Stat stat = new Stat();
          byte[] got;
          try {
            got = zk.getData(e.getKey(), false, stat);
          } catch (KeeperException.NoNodeException missing) {
            throw new AssertionError("acknowledged create of " + e.getKey() + " was lost");
          }
          assertThat(stat.getVersion())
              .as("version of %s", e.getKey())
              .isGreaterThanOrEqualTo(e.getValue());
          assertThat(new String(got, StandardCharsets.UTF_8))
              .as("data of %s matches its version", e.getKey())
              .isEqualTo(e.getKey() + "@" + stat.getVersion());
        }
        for (String child : zk.getChildren("/d", false)) {
          String path = "/d/" + child;
          Stat stat = new Stat();
          byte[] got = zk.getData(path, false, stat);
          assertThat(new String(got, StandardCharsets.UTF_8))
              .isEqualTo(path + "@" + stat.getVersion());
        }
        // The restarted server keeps accepting writes after recovery.
        zk.create("/d/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      }
    } finally {
      restarted.destroy();
      restarted.waitFor(15, TimeUnit.SECONDS);
      restarted.destroyForcibly();
    }
  }

  @Test
  void corruptEntryInTheMiddleOfTheLogRefusesToStart() throws Exception {
    int port = FreePorts.next();
    Path cfg = zooCfg(port, 300);
    Process server = start(cfg);
    try {
      awaitServing(port);
      try (ZooKeeper zk = connect(port)) {
        for (int i = 0; i < 5; i++) {
          zk.create("/n" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
      }
    } finally {
      server.destroy();
      server.waitFor(15, TimeUnit.SECONDS);
    }
    List<TxnLog.Segment> segments = TxnLog.segments(dir.resolve("log"));
    Path file = segments.get(segments.size() - 1).path();
    long second = LogFiles.entryOffsets(file).get(1);
    LogFiles.damagePayload(file, second);

    Process restarted = start(cfg);
    try {
      assertExitsWithStatus1(
          restarted,
          "coord failed to start: txn log "
              + file
              + " is corrupt at offset "
              + second
              + ": checksum mismatch");
    } finally {
      restarted.destroyForcibly();
    }
  }

  @Test
  void aTxnLogThatCannotBeWrittenEndsTheProcess() throws Exception {
    int port = FreePorts.next();
    Path cfg = zooCfg(port, 2);
    Process server = start(cfg);
    try {
      awaitServing(port);
      try (ZooKeeper zk = connect(port)) {
        // The open log file still takes writes; the next one cannot be created.
        LogFiles.deleteDirectory(dir.resolve("log"));
        assertThatThrownBy(() ->
                zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
            .isInstanceOf(KeeperException.ConnectionLossException.class);
      }
      assertExitsWithStatus1(
          server,
          "coordinator stops, exit status 1: coord-sync failed:"
              + " java.io.UncheckedIOException: txn log write failed");
    } finally {
      server.destroyForcibly();
    }
  }
}
