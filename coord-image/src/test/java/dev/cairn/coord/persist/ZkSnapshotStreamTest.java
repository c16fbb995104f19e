package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.ExtendedTypesProperty;
import dev.cairn.coord.TestCoordinators;
import dev.cairn.coord.differential.ReferenceZooKeeper;
import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.EphemeralOwner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's snapshot stream both ways, checked against Apache ZooKeeper's own DataTree and
 * deserializer (zookeeper 3.9 test jar): what a SNAP sync between a ZooKeeper server and a Cairn
 * server in one ensemble carries.
 */
@ExtendWith(ExtendedTypesProperty.class)
class ZkSnapshotStreamTest {
  private static final long SESSION_A = 0x0100_0000_0000_0001L;
  private static final long SESSION_B = 0x0100_0000_0000_0002L;
  private static final long SESSION_C = 0x0100_0000_0000_0003L;
  private static final long TIME = 1_700_000_000_000L;

  @TempDir Path dir;

  /** The same txns applied to ZooKeeper's DataTree and to Cairn's. */
  private static final class TwinTrees {
    final org.apache.zookeeper.server.DataTree zk = new org.apache.zookeeper.server.DataTree();
    final DataTree cairn = new DataTree(ZkTrees.MAX_BUFFER);
    long zxid = 0x1_0000_0000L;

    void apply(long session, OpCode type, Record txn) {
      TxnHeader header = new TxnHeader(session, 1, ++zxid, TIME + zxid, type.code);
      var zkResult = zk.processTxn(header, txn);
      var cairnResult = cairn.apply(header, txn);
      assertThat(cairnResult.err().code).as("txn %s", txn).isEqualTo(zkResult.err);
      assertThat(zkResult.err).as("txn %s", txn).isZero();
    }

    /** As ZooKeeper's PrepRequestProcessor computes it: the parent's create count plus one. */
    int nextCversion(String path) {
      String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
      return zk.getNode(parent).stat.getCversion() + 1;
    }

    void create(long session, String path, String data, List<ACL> acl, boolean ephemeral) {
      byte[] bytes = data == null ? null : data.getBytes(StandardCharsets.UTF_8);
      apply(session, OpCode.CREATE, new CreateTxn(path, bytes, acl, ephemeral, nextCversion(path)));
    }
  }

  @Test
  void zooKeeperReadsCairnsTreeAsItsOwn() throws Exception {
    TwinTrees twins = new TwinTrees();
    List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    List<ACL> alice =
        List.of(
            new ACL(
                ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret"))));
    List<ACL> mixed = List.of(alice.get(0), new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));
    twins.create(SESSION_A, "/app", "v1", open, false);
    twins.create(SESSION_A, "/app/a", "", open, false);
    twins.create(SESSION_A, "/app/b", "b", open, false);
    twins.apply(SESSION_A, OpCode.DELETE, new DeleteTxn("/app/a"));
    twins.apply(SESSION_A, OpCode.SET_DATA, new SetDataTxn("/app", bytes("v2"), 1));
    twins.create(SESSION_A, "/app/lock-0000000003", "a", open, true);
    twins.create(SESSION_B, "/app/lock-0000000004", "b", open, true);
    twins.create(SESSION_A, "/secure", "s", alice, false);
    twins.create(SESSION_A, "/secure/inner", "shares the ACL", alice, false);
    twins.create(SESSION_A, "/mixed", "m", mixed, false);
    twins.apply(SESSION_A, OpCode.SET_ACL, new SetACLTxn("/app/b", ZooDefs.Ids.READ_ACL_UNSAFE, 1));
    twins.apply(
        SESSION_A,
        OpCode.CREATE_CONTAINER,
        new CreateContainerTxn("/container", bytes("c"), open, twins.nextCversion("/container")));
    twins.create(SESSION_A, "/container/kid", "k", open, false);
    twins.apply(
        SESSION_A,
        OpCode.CREATE_TTL,
        new CreateTTLTxn("/ttl", bytes("t"), open, twins.nextCversion("/ttl"), 5_000));
    twins.create(SESSION_A, "/nodata", null, open, false);
    twins.create(SESSION_A, "/zookeeper/quota/app", null, open, false);
    twins.create(
        SESSION_A, "/zookeeper/quota/app/zookeeper_limits", "count=10,bytes=-1", open, false);
    twins.create(SESSION_A, "/zookeeper/quota/app/zookeeper_stats", "count=4,bytes=5", open, false);
    twins.create(SESSION_C, "/gone", "g", open, true);
    twins.apply(SESSION_C, OpCode.CLOSE_SESSION, new CloseSessionTxn(List.of("/gone")));
    byte[] config = bytes("server.1=127.0.0.1:2888:3888:participant;2181\nversion=100000000");
    twins.cairn.setConfig(config, 0x1_0000_0000L);
    long configTime = twins.cairn.node(DataTree.CONFIG_NODE).stat().getMtime();
    twins.zk.setData(DataTree.CONFIG_NODE, config, -1, 0x1_0000_0000L, configTime);

    SessionTracker sessions = new SessionTracker(1000, 1, System::currentTimeMillis);
    sessions.add(SESSION_A, 30_000);
    sessions.add(SESSION_B, 4_000);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ZkSnapshotStream.write(BinaryOutputArchive.getArchive(bytes), twins.cairn, sessions);
    ZkTrees.ZooKeeperSide read = ZkTrees.zooKeeperReads(bytes.toByteArray());

    // ZooKeeper recomputes quota stats from the tree when it loads one.
    Set<String> quotaStats = Set.of("/zookeeper/quota/app/zookeeper_stats");
    ZkTrees.assertSame(read.tree(), twins.cairn, quotaStats);
    ZkTrees.assertSame(twins.zk, twins.cairn, quotaStats);
    assertThat(read.sessions()).isEqualTo(Map.of(SESSION_A, 30_000, SESSION_B, 4_000));
    // The digest ZooKeeper keeps over every node's path, data and persisted stat (what its
    // learners compare with their leader's): equal to the tree ZooKeeper built from the txns.
    assertThat(read.tree().getTreeDigest()).isEqualTo(twins.zk.getTreeDigest()).isNotZero();
    assertThat(read.tree().getEphemerals(SESSION_A)).containsExactly("/app/lock-0000000003");
    assertThat(read.tree().getTtls()).containsExactly("/ttl");
    assertThat(read.tree().getContainers()).containsExactly("/container");
    assertThat(read.tree().getNode("/app").stat.getCversion()).isEqualTo(4);
    assertThat(read.tree().statNode(DataTree.CONFIG_NODE, null).getAversion()).isEqualTo(-1);
    assertThat(read.tree().getACL("/secure/inner", null)).isEqualTo(alice);
  }

  @Test
  void cairnReadsWhatARealZooKeeperServerSerialized() throws Exception {
    try (ReferenceZooKeeper server = new ReferenceZooKeeper(dir.resolve("zookeeper"));
        ZooKeeper a = TestCoordinators.connect(server.connectString(), 30_000, null);
        ZooKeeper b = TestCoordinators.connect(server.connectString(), 8_000, null)) {
      writeEverythingASnapshotHolds(server, a, b);
      ZKDatabase db = server.database();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      db.serializeSnapshot(BinaryOutputArchive.getArchive(bytes));
      long zxid = db.getDataTreeLastProcessedZxid();

      Snapshots.Loaded loaded = ZkTrees.cairnReads(bytes.toByteArray(), zxid);

      ZkTrees.assertSame(db.getDataTree(), loaded.tree(), Set.of());
      assertThat(loaded.sessions())
          .isEqualTo(db.getSessionWithTimeOuts())
          .containsKeys(a.getSessionId(), b.getSessionId());
      assertThat(loaded.zxid()).isEqualTo(zxid);
      assertThat(loaded.tree().lastProcessedZxid()).isEqualTo(zxid);
      assertThat(loaded.tree().ephemerals(b.getSessionId())).containsExactly("/app/eph-b");
      assertThat(loaded.tree().ttls()).containsExactly("/ttl");
      assertThat(loaded.tree().containers()).containsExactly("/container");
      assertThat(loaded.tree().node("/private/x").acl())
          .isSameAs(loaded.tree().node("/private").acl());

      // And back: a ZooKeeper learner synced by Cairn holds the tree the ZooKeeper leader had.
      ZkTrees.ZooKeeperSide back =
          ZkTrees.zooKeeperReads(ZkTrees.cairnStream(loaded.tree(), loaded.sessions()));
      ZkTrees.assertSame(back.tree(), loaded.tree(), Set.of());
      assertThat(back.tree().getTreeDigest()).isEqualTo(db.getDataTree().getTreeDigest());
      assertThat(back.sessions()).isEqualTo(db.getSessionWithTimeOuts());
    }
  }

  /** Client calls that leave every kind of node, ACL and stat a snapshot must carry. */
  private static void writeEverythingASnapshotHolds(
      ReferenceZooKeeper server, ZooKeeper a, ZooKeeper b) throws Exception {
    a.addAuthInfo("digest", bytes("alice:secret"));
    a.create("/app", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    for (int i = 0; i < 4; i++) {
      a.create(
          "/app/seq-",
          bytes("s" + i),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT_SEQUENTIAL);
    }
    a.delete("/app/seq-0000000001", -1);
    a.setData("/app", bytes("v2"), -1);
    a.setData("/app", bytes("v3"), 1);
    a.create("/app/eph-a", bytes("a"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    b.create("/app/eph-b", bytes("b"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    a.create("/private", bytes("p"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    a.create("/private/x", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    a.create("/read", bytes("r"), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
    a.setACL("/app", ZooDefs.Ids.OPEN_ACL_UNSAFE, 0);
    a.create("/container", bytes("c"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
    a.create("/container/kid", bytes("k"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    a.create(
        "/ttl",
        bytes("t"),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT_WITH_TTL,
        new Stat(),
        60_000);
    // What zkCli's setquota creates (its SetQuotaCommand needs commons-cli, not on this path).
    StatsTrack quota = new StatsTrack();
    quota.setCount(100);
    quota.setBytes(-1);
    a.create("/zookeeper/quota/app", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    a.create(
        "/zookeeper/quota/app/zookeeper_limits",
        quota.getStatsBytes(),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
    a.create(
        "/zookeeper/quota/app/zookeeper_stats",
        new StatsTrack().getStatsBytes(),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
    try (ZooKeeper closed = TestCoordinators.connect(server.connectString(), 10_000, null)) {
      closed.create("/gone", bytes("g"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    }
    // The close is a txn: the last write, so the database has applied everything before it.
    a.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(a.exists("/gone", false)).isNull();
  }

  @Test
  void snapStateTranscodesBothWays() throws Exception {
    DataTree tree = new DataTree(ZkTrees.MAX_BUFFER);
    tree.apply(
        new TxnHeader(SESSION_A, 1, 7, TIME, OpCode.CREATE.code),
        new CreateTxn("/e", bytes("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, true, 1));
    tree.apply(
        new TxnHeader(SESSION_A, 2, 8, TIME, OpCode.CREATE_TTL.code),
        new CreateTTLTxn("/t", bytes("y"), ZooDefs.Ids.OPEN_ACL_UNSAFE, 2, EphemeralOwner.MAX_TTL));
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    Snapshots.writeTo(state, 8, tree, Map.of(SESSION_A, 5_000));

    // Leader side: the Snap's state becomes the stream a ZooKeeper learner reads.
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    ZkSnapshotStream.writeState(
        BinaryOutputArchive.getArchive(stream), state.toByteArray(), ZkTrees.MAX_BUFFER);
    ZkTrees.ZooKeeperSide zk = ZkTrees.zooKeeperReads(stream.toByteArray());
    ZkTrees.assertSame(zk.tree(), tree, Set.of());
    assertThat(zk.tree().getTtls()).containsExactly("/t");

    // Learner side: a ZooKeeper leader's stream becomes a Snap's state Cairn installs.
    byte[] back =
        ZkSnapshotStream.readAsState(
            Jute.reader(stream.toByteArray(), ZkTrees.MAX_BUFFER), 8, ZkTrees.MAX_BUFFER);
    Snapshots.Loaded installed =
        Snapshots.readFrom(new ByteArrayInputStream(back), ZkTrees.MAX_BUFFER);
    assertThat(installed.zxid()).isEqualTo(8);
    assertThat(installed.sessions()).isEqualTo(Map.of(SESSION_A, 5_000));
    ZkTrees.assertSame(zk.tree(), installed.tree(), Set.of());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
