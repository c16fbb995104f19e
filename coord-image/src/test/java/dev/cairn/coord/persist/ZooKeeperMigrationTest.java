package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import dev.cairn.coord.TestCoordinators;
import dev.cairn.coord.differential.ReferenceZooKeeper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn started on the directories an Apache ZooKeeper server wrote (snapshots and txn logs from
 * two runs of the real server) holds what ZooKeeper's own loader makes of them: how a user moves a
 * standalone server to Cairn with the same zoo.cfg.
 */
class ZooKeeperMigrationTest {
  private static final int MAX_BUFFER = ZkTrees.MAX_BUFFER;

  @TempDir Path tmp;

  /** Two runs of ZooKeeper on {@code dir}; returns the session still open, owning /eph. */
  private static long writeWithZooKeeper(Path dir) throws Exception {
    long kept;
    ZooKeeper a;
    try (ReferenceZooKeeper server = new ReferenceZooKeeper(dir)) {
      a = TestCoordinators.connect(server.connectString(), 30_000, null);
      a.addAuthInfo("digest", bytes("alice:secret"));
      a.create("/app", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      a.create("/app/x", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      a.create("/private", bytes("p"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
      a.create("/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
      a.create("/c/kid", bytes("k"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      server.takeSnapshot();
      // After the snapshot: in the log only.
      a.setData("/app", bytes("v2"), 0);
      a.delete("/app/x", 0);
      a.create(
          "/app/seq-", bytes("s"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
      a.create("/eph", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      try (ZooKeeper b = TestCoordinators.connect(server.connectString(), 10_000, null)) {
        b.create("/gone", bytes("g"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      }
      a.sync("/", (rc, path, ctx) -> {}, null);
      assertThat(a.exists("/gone", false)).isNull();
      kept = a.getSessionId();
    }
    // The second run loads the first's files, snapshots at start-up and logs into a new file.
    try (ReferenceZooKeeper server = new ReferenceZooKeeper(dir);
        ZooKeeper c = TestCoordinators.connect(server.connectString(), 10_000, null)) {
      c.create("/second", bytes("run 2"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      c.setData("/app", bytes("v3"), 1);
    }
    a.close(100);
    return kept;
  }

  @Test
  void cairnStartsFromWhatZooKeeperWroteAndKeepsItAfterwards() throws Exception {
    Path dir = tmp.resolve("data");
    long kept = writeWithZooKeeper(dir);
    try (Stream<Path> files = Files.list(dir.resolve("version-2"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("log.")))
          .hasSizeGreaterThanOrEqualTo(2);
    }
    ZKDatabase reference = new ZKDatabase(new FileTxnSnapLog(dir.toFile(), dir.toFile()));
    long zxid = reference.loadDataBase();

    Recovery imported = Recovery.run(dir, dir, MAX_BUFFER);

    ZkTrees.assertSame(reference.getDataTree(), imported.tree(), Set.of());
    assertThat(imported.lastZxid()).isEqualTo(zxid);
    assertThat(imported.sessions()).isEqualTo(reference.getSessionWithTimeOuts()).containsKey(kept);
    assertThat(imported.tree().ephemerals(kept)).containsExactly("/eph");
    assertThat(imported.hadSnapshot()).isFalse();
    assertThat(imported.replayed()).isPositive();

    CoordinatorEngine cairn =
        new CoordinatorEngine(
            CoordinatorConfig.builder(dir)
                .clientPort(0)
                .clientPortAddress("127.0.0.1")
                .adminEnabled(false)
                .build());
    EngineExtension.startAndAwaitReady(cairn);
    try (ZooKeeper client = TestCoordinators.connect(cairn.connectString(), 10_000, null)) {
      Stat stat = new Stat();
      assertThat(client.getData("/app", false, stat)).isEqualTo(bytes("v3"));
      assertThat(stat.getVersion()).isEqualTo(2);
      assertThat(client.getData("/second", false, null)).isEqualTo(bytes("run 2"));
      assertThat(client.exists("/eph", false).getEphemeralOwner()).isEqualTo(kept);
      assertThat(client.getChildren("/app", false)).containsExactly("seq-0000000001");
    } finally {
      cairn.stop(Duration.ZERO);
    }

    // Later starts read Cairn's own snapshot; ZooKeeper's files are left as they were.
    Recovery again = Recovery.run(dir, dir, MAX_BUFFER);
    assertThat(again.hadSnapshot()).isTrue();
    ZkTrees.assertSame(reference.getDataTree(), again.tree(), Set.of());
    assertThat(new ZKDatabase(new FileTxnSnapLog(dir.toFile(), dir.toFile())).loadDataBase())
        .isEqualTo(zxid);
  }

  /** zookeeper.snapshot.compression.method=gz: the stream and its seal inside gzip. */
  @Test
  void aGzipSnapshotReadsAsThePlainOne() throws Exception {
    Path dir = tmp.resolve("data");
    writeWithZooKeeper(dir);
    Path plain = ZkSnapshotFile.list(dir).get(0);
    Recovery expected = Recovery.run(dir, dir, MAX_BUFFER); // writes nothing
    Snapshots.Loaded plainSnapshot = ZkSnapshotFile.load(plain, MAX_BUFFER);
    Path gz = plain.resolveSibling(plain.getFileName() + ".gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(plain));
    }
    Files.delete(plain);

    Recovery imported = Recovery.run(dir, dir, MAX_BUFFER);

    assertThat(ZkSnapshotFile.list(dir).get(0)).isEqualTo(gz);
    // Read directly: a failed read would fall back to an older snapshot and the logs unnoticed.
    Snapshots.Loaded gzSnapshot = ZkSnapshotFile.load(gz, MAX_BUFFER);
    assertThat(gzSnapshot.zxid()).isEqualTo(plainSnapshot.zxid());
    ZkTrees.assertSame(
        ZkTrees.zooKeeperReads(ZkTrees.cairnStream(plainSnapshot.tree(), Map.of())).tree(),
        gzSnapshot.tree(),
        Set.of());
    assertThat(imported.lastZxid()).isEqualTo(expected.lastZxid());
    assertThat(imported.sessions()).isEqualTo(expected.sessions());
    ZkTrees.assertSame(
        ZkTrees.zooKeeperReads(ZkTrees.cairnStream(expected.tree(), expected.sessions())).tree(),
        imported.tree(),
        Set.of());
  }

  @Test
  void aDamagedZooKeeperLogRefusesTheStart() throws Exception {
    Path dir = tmp.resolve("data");
    writeWithZooKeeper(dir);
    Path log;
    try (Stream<Path> files = Files.list(dir.resolve("version-2"))) {
      log =
          files.filter(p -> p.getFileName().toString().startsWith("log.")).sorted().toList().get(0);
    }
    byte[] bytes = Files.readAllBytes(log);
    bytes[40] ^= 0x20; // inside the first entry's txn
    Files.write(log, bytes);
    assertThatThrownBy(() -> Recovery.run(dir, dir, MAX_BUFFER))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(log.getFileName().toString())
        .hasMessageContaining("checksum mismatch");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
