package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.testkit.EngineExtension;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Container and TTL nodes: created on request, deleted by the server when they are due. */
class ExtendedTypesTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord =
      EngineExtension.of(() ->
          new CoordinatorEngine(
              TestCoordinators.config()
                  .set("extendedTypesEnabled", true)
                  .set("znode.container.checkIntervalMs", 100)
                  .build()));

  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> plain = TestCoordinators.extension();

  @Test
  void emptiedContainerIsDeleted() throws Exception {
    try (ZooKeeper zk = TestCoordinators.connect(coord.engine())) {
      zk.create("/box", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
      // Apache ZooKeeper shows clients 0, not the container marker it stores.
      assertThat(zk.exists("/box", false).getEphemeralOwner()).isZero();
      Thread.sleep(300);
      assertThat(zk.exists("/box", false)).as("never had children: kept").isNotNull();
      zk.create("/box/item", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      zk.delete("/box/item", -1);
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> zk.exists("/box", false) == null);
    }
  }

  @Test
  void ttlNodeIsDeletedAfterItsTtlWithoutChildren() throws Exception {
    try (ZooKeeper zk = TestCoordinators.connect(coord.engine())) {
      Stat stat = new Stat();
      zk.create(
          "/ttl", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, stat, 300);
      assertThat(stat.getEphemeralOwner()).as("the TTL marker is not shown").isZero();
      assertThat(zk.exists("/ttl", false)).isNotNull();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> zk.exists("/ttl", false) == null);
    }
  }

  @Test
  void ttlIsRefusedWhenExtendedTypesAreDisabled() throws Exception {
    try (ZooKeeper zk = TestCoordinators.connect(plain.engine())) {
      assertThatThrownBy(() ->
              zk.create(
                  "/ttl",
                  null,
                  ZooDefs.Ids.OPEN_ACL_UNSAFE,
                  CreateMode.PERSISTENT_WITH_TTL,
                  new Stat(),
                  1000))
          .isInstanceOf(KeeperException.UnimplementedException.class);
    }
  }
}
