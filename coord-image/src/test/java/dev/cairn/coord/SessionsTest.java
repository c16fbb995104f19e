package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.testkit.EngineExtension;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Session life: expiry by timeout, ephemerals removed with the session, resumption by password. */
class SessionsTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  @Test
  void closedSessionTakesItsEphemeralsAlong() throws Exception {
    ZooKeeper owner = TestCoordinators.connect(coord.engine());
    owner.create("/s1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    owner.create("/s1b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
    try (ZooKeeper observer = TestCoordinators.connect(coord.engine())) {
      assertThat(observer.exists("/s1", false)).isNotNull();
      owner.close();
      assertThat(observer.exists("/s1", false)).isNull();
      assertThat(observer.getChildren("/", false)).noneMatch(c -> c.startsWith("s1"));
    }
  }

  @Test
  void silentSessionExpiresAndItsEphemeralsGo() throws Exception {
    try (ZooKeeper observer = TestCoordinators.connect(coord.engine())) {
      // A raw session that never pings: the server must expire it after its timeout (800 ms).
      try (RawClient raw = RawClient.connect(coord.engine(), 800)) {
        raw.createEphemeral("/s2");
        assertThat(observer.exists("/s2", false)).isNotNull();
        await()
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> observer.exists("/s2", false) == null);
        assertThat(raw.isClosedByServer()).isTrue();
      }
    }
  }

  @Test
  void sessionResumesWithIdAndPasswordButNotWithWrongPassword() throws Exception {
    ZooKeeper first = TestCoordinators.connect(coord.engine());
    first.create("/s3", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    long id = first.getSessionId();
    byte[] password = first.getSessionPasswd();

    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper resumed =
        new ZooKeeper(
            coord.engine().connectString(),
            4000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            id,
            password);
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(resumed.getSessionId()).isEqualTo(id);
    assertThat(resumed.exists("/s3", false).getEphemeralOwner()).isEqualTo(id);

    CountDownLatch expired = new CountDownLatch(1);
    byte[] wrong = password.clone();
    wrong[0] ^= 1;
    ZooKeeper impostor =
        new ZooKeeper(
            coord.engine().connectString(),
            4000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.Expired) {
                expired.countDown();
              }
            },
            id,
            wrong);
    assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
    impostor.close();
    assertThat(resumed.exists("/s3", false)).as("the real session is untouched").isNotNull();
    resumed.close();
    first.close();
  }
}
