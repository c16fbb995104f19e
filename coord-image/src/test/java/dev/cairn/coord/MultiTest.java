package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** multi is all-or-nothing with ZooKeeper's per-op results; multiRead answers each op. */
class MultiTest {
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

  @Test
  void containerCreateInAMultiAnswersAsCreate2() throws Exception {
    // The client knows no multi result typed createContainer/createTTL: ZooKeeper answers create2.
    List<OpResult> results =
        zk.multi(
            List.of(
                Op.create(
                    "/mbox", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER)));
    assertThat(results).hasSize(1);
    OpResult.CreateResult created = (OpResult.CreateResult) results.get(0);
    assertThat(created.getType()).isEqualTo(ZooDefs.OpCode.create2);
    assertThat(created.getPath()).isEqualTo("/mbox");
    assertThat(created.getStat().getEphemeralOwner()).isZero();
  }

  @Test
  void multiAppliesAllOpsAtOnce() throws Exception {
    List<OpResult> results =
        zk.multi(
            List.of(
                Op.create("/m1", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/m1/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/m1/a", new byte[] {1}, 0),
                Op.check("/m1/a", 1),
                Op.create(
                    "/m1/s-",
                    new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT_SEQUENTIAL)));
    assertThat(((OpResult.CreateResult) results.get(0)).getPath()).isEqualTo("/m1");
    assertThat(((OpResult.SetDataResult) results.get(2)).getStat().getVersion()).isEqualTo(1);
    assertThat(results.get(3)).isInstanceOf(OpResult.CheckResult.class);
    assertThat(((OpResult.CreateResult) results.get(4)).getPath()).isEqualTo("/m1/s-0000000001");
    assertThat(zk.getData("/m1/a", false, null)).containsExactly(1);
  }

  @Test
  void failedMultiChangesNothingAndReportsPerOpResults() throws Exception {
    zk.create("/m2", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThatThrownBy(() ->
            zk.multi(
                List.of(
                    Op.create(
                        "/m2/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.check("/m2", 5),
                    Op.delete("/m2", -1))))
        .isInstanceOfSatisfying(
            KeeperException.BadVersionException.class,
            e -> {
              List<OpResult> r = e.getResults();
              assertThat(((OpResult.ErrorResult) r.get(0)).getErr()).isZero();
              assertThat(((OpResult.ErrorResult) r.get(1)).getErr())
                  .isEqualTo(KeeperException.Code.BADVERSION.intValue());
              assertThat(((OpResult.ErrorResult) r.get(2)).getErr())
                  .isEqualTo(KeeperException.Code.RUNTIMEINCONSISTENCY.intValue());
            });
    assertThat(zk.exists("/m2/a", false)).isNull();
    // The pending create must not leak into later requests either.
    zk.create("/m2/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
  }

  @Test
  void multiReadAnswersEachOpIncludingErrors() throws Exception {
    zk.create("/m3", new byte[] {7}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    List<OpResult> r =
        zk.multi(List.of(Op.getData("/m3"), Op.getChildren("/m3"), Op.getData("/m3/none")));
    assertThat(((OpResult.GetDataResult) r.get(0)).getData()).containsExactly(7);
    assertThat(((OpResult.GetChildrenResult) r.get(1)).getChildren()).isEmpty();
    assertThat(((OpResult.ErrorResult) r.get(2)).getErr())
        .isEqualTo(KeeperException.Code.NONODE.intValue());
  }
}
