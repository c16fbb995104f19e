package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every basic op through the official ZooKeeper 3.9 client, with ZooKeeper's stat semantics. */
class ZooKeeperClientOpsTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  static ZooKeeper zk;

  @BeforeAll
  static void connect() throws Exception {
    zk = TestCoordinators.connect(coord.engine());
  }

  @AfterAll
  static void close() throws Exception {
    zk.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void reconfigOfAStandaloneServerIsRefusedAsZooKeeperRefusesIt() throws Exception {
    org.apache.zookeeper.admin.ZooKeeperAdmin admin =
        new org.apache.zookeeper.admin.ZooKeeperAdmin(
            coord.engine().connectString(), 10_000, e -> {});
    try {
      assertThatThrownBy(() -> admin.reconfigure("server.2=h:1:2;3", null, null, -1, null))
          .isInstanceOf(KeeperException.ReconfigDisabledException.class);
      assertThat(admin.getConfig(false, null)).isEmpty();
    } finally {
      admin.close();
    }
  }

  @Test
  void createGetSetDeleteMaintainStatLikeZooKeeper() throws Exception {
    String path = zk.create("/ops", b("v0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThat(path).isEqualTo("/ops");
    Stat stat = new Stat();
    assertThat(zk.getData("/ops", false, stat)).isEqualTo(b("v0"));
    assertThat(stat.getVersion()).isZero();
    assertThat(stat.getCzxid()).isEqualTo(stat.getMzxid()).isEqualTo(stat.getPzxid());
    assertThat(stat.getCtime()).isEqualTo(stat.getMtime());
    assertThat(stat.getDataLength()).isEqualTo(2);
    assertThat(stat.getEphemeralOwner()).isZero();

    Stat set = zk.setData("/ops", b("v1-longer"), 0);
    assertThat(set.getVersion()).isEqualTo(1);
    assertThat(set.getMzxid()).isGreaterThan(set.getCzxid());
    assertThat(set.getDataLength()).isEqualTo(9);
    assertThatThrownBy(() -> zk.setData("/ops", b("x"), 0))
        .isInstanceOf(KeeperException.BadVersionException.class);

    zk.create("/ops/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    Stat parent = zk.exists("/ops", false);
    assertThat(parent.getNumChildren()).isEqualTo(1);
    assertThat(parent.getCversion()).isEqualTo(1);
    long pzxidAfterCreate = parent.getPzxid();
    assertThatThrownBy(() -> zk.delete("/ops", -1))
        .isInstanceOf(KeeperException.NotEmptyException.class);
    zk.delete("/ops/a", 0);
    parent = zk.exists("/ops", false);
    assertThat(parent.getNumChildren()).isZero();
    // As Apache ZooKeeper reports it: the number of child changes, creates and deletes (the
    // sequence counter, which counts creates only, is not what clients see).
    assertThat(parent.getCversion()).as("a child delete is a child change").isEqualTo(2);
    assertThat(parent.getPzxid()).isGreaterThan(pzxidAfterCreate);
    zk.delete("/ops", 1);
    assertThat(zk.exists("/ops", false)).isNull();
  }

  @Test
  void configNodeCarriesZooKeepersInitialAclVersion() throws Exception {
    Stat stat = new Stat();
    assertThat(zk.getConfig(false, stat)).isEmpty();
    assertThat(stat.getAversion()).as("ZooKeeper sets its ACL with version -1").isEqualTo(-1);
  }

  @Test
  void errorsMatchZooKeeperCodes() throws Exception {
    assertThatThrownBy(() -> zk.getData("/missing", false, null))
        .isInstanceOf(KeeperException.NoNodeException.class);
    assertThatThrownBy(
            () -> zk.create("/no/parent", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NoNodeException.class);
    zk.create("/dup", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThatThrownBy(
            () -> zk.create("/dup", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NodeExistsException.class);
    assertThatThrownBy(() -> zk.delete("/dup", 7))
        .isInstanceOf(KeeperException.BadVersionException.class);
    zk.create("/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    assertThatThrownBy(
            () -> zk.create("/eph/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NoChildrenForEphemeralsException.class);
    assertThatThrownBy(() -> zk.delete("/zookeeper", -1))
        .isInstanceOf(KeeperException.BadArgumentsException.class);
    assertThatThrownBy(() -> zk.create("/dup", null, List.of(), CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.InvalidACLException.class);
  }

  @Test
  void sequentialSuffixIsParentCversion() throws Exception {
    zk.create("/seq", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/seq/x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    String first =
        zk.create("/seq/n-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
    assertThat(first).isEqualTo("/seq/n-0000000001");
    zk.delete(first, -1);
    String second =
        zk.create("/seq/n-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
    assertThat(second).isEqualTo("/seq/n-0000000002");
    assertThat(zk.exists(second, false).getEphemeralOwner()).isEqualTo(zk.getSessionId());
    assertThat(zk.getChildren("/seq", false)).containsExactlyInAnyOrder("x", "n-0000000002");
    assertThat(zk.getEphemerals("/seq")).containsExactly(second);
    assertThat(zk.getAllChildrenNumber("/seq")).isEqualTo(2);
  }
}
