package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCacheEvent;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Apache Curator 5 against the coordinator: the framework and its recipes. */
class CuratorRecipesTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  static CuratorFramework curator;

  @BeforeAll
  static void start() throws Exception {
    curator = client();
  }

  static CuratorFramework client() throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(
            coord.engine().connectString(), 10_000, 5_000, new ExponentialBackoffRetry(100, 3));
    c.start();
    assertThat(c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @AfterAll
  static void stop() {
    curator.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createsParentsAndReadsBack() throws Exception {
    curator.create().creatingParentsIfNeeded().forPath("/brokers/ids/1", b("host:9092"));
    assertThat(curator.getData().forPath("/brokers/ids/1")).isEqualTo(b("host:9092"));
    assertThat(curator.getChildren().forPath("/brokers/ids")).containsExactly("1");
    curator.delete().deletingChildrenIfNeeded().forPath("/brokers");
    assertThat(curator.checkExists().forPath("/brokers")).isNull();
  }

  @Test
  void curatorCacheSeesCreateUpdateDelete() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (CuratorCache cache = CuratorCache.build(curator, "/config")) {
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forCreates(n -> events.add("create " + n.getPath()))
                  .forChanges((o, n) -> events.add("change " + n.getPath()))
                  .forDeletes(n -> events.add("delete " + n.getPath()))
                  .build());
      cache.start();
      curator.create().creatingParentsIfNeeded().forPath("/config/a", b("1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("create /config/a"));
      curator.setData().forPath("/config/a", b("2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("change /config/a"));
      curator.delete().forPath("/config/a");
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("delete /config/a"));
    }
  }

  @Test
  void pathChildrenCacheTracksEphemeralMembers() throws Exception {
    curator.create().creatingParentsIfNeeded().forPath("/members");
    List<String> added = new CopyOnWriteArrayList<>();
    List<String> removed = new CopyOnWriteArrayList<>();
    try (PathChildrenCache cache = new PathChildrenCache(curator, "/members", true)) {
      cache
          .getListenable()
          .addListener((c, e) -> {
            if (e.getType() == PathChildrenCacheEvent.Type.CHILD_ADDED) {
              added.add(e.getData().getPath());
            } else if (e.getType() == PathChildrenCacheEvent.Type.CHILD_REMOVED) {
              removed.add(e.getData().getPath());
            }
          });
      cache.start();
      CuratorFramework member = client();
      member.create().withMode(CreateMode.EPHEMERAL).forPath("/members/m1", b("x"));
      await().atMost(Duration.ofSeconds(10)).until(() -> added.contains("/members/m1"));
      member.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> removed.contains("/members/m1"));
    }
  }
}
