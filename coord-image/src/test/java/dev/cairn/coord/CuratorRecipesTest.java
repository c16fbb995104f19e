package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCacheEvent;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.state.ConnectionState;
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

  @Test
  void leaderLatchElectsOneAndFailsOverWhenItCloses() throws Exception {
    CuratorFramework c1 = client();
    CuratorFramework c2 = client();
    LeaderLatch a = new LeaderLatch(c1, "/leader/latch", "a");
    try (LeaderLatch b = new LeaderLatch(c2, "/leader/latch", "b")) {
      a.start();
      assertThat(a.await(10, TimeUnit.SECONDS)).isTrue();
      b.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.getParticipants().size() == 2);
      assertThat(b.hasLeadership()).isFalse();
      assertThat(b.getLeader().getId()).isEqualTo("a");
      a.close();
      assertThat(b.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      c1.close();
      c2.close();
    }
  }

  @Test
  void leaderSelectorGivesLeadershipToEachInTurn() throws Exception {
    AtomicInteger leaders = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(3);
    List<LeaderSelector> selectors = new java.util.ArrayList<>();
    List<CuratorFramework> clients = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CuratorFramework c = client();
      clients.add(c);
      LeaderSelector s =
          new LeaderSelector(
              c,
              "/leader/selector",
              new LeaderSelectorListenerAdapter() {
                @Override
                public void takeLeadership(CuratorFramework client) throws Exception {
                  maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                  leaders.incrementAndGet();
                  Thread.sleep(50);
                  concurrent.decrementAndGet();
                  all.countDown();
                }
              });
      selectors.add(s);
      s.start();
    }
    assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(maxConcurrent.get()).isEqualTo(1);
    selectors.forEach(LeaderSelector::close);
    clients.forEach(CuratorFramework::close);
  }

  @Test
  void barrierHoldsUntilRemoved() throws Exception {
    DistributedBarrier setter = new DistributedBarrier(curator, "/barrier/b1");
    setter.setBarrier();
    CuratorFramework other = client();
    try {
      DistributedBarrier waiter = new DistributedBarrier(other, "/barrier/b1");
      assertThat(waiter.waitOnBarrier(300, TimeUnit.MILLISECONDS)).isFalse();
      setter.removeBarrier();
      assertThat(waiter.waitOnBarrier(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      other.close();
    }
  }

  @Test
  void doubleBarrierLetsMembersInTogetherAndOutTogether() throws Exception {
    int members = 3;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(members);
    List<CuratorFramework> clients = new java.util.ArrayList<>();
    try {
      List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      AtomicInteger entered = new AtomicInteger();
      for (int i = 0; i < members; i++) {
        CuratorFramework c = client();
        clients.add(c);
        results.add(
            pool.submit(() -> {
              DistributedDoubleBarrier b =
                  new DistributedDoubleBarrier(c, "/barrier/double", members);
              boolean in = b.enter(10, TimeUnit.SECONDS);
              entered.incrementAndGet();
              boolean out = b.leave(10, TimeUnit.SECONDS);
              return in && out && entered.get() == members;
            }));
      }
      for (java.util.concurrent.Future<Boolean> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
      clients.forEach(CuratorFramework::close);
    }
  }

  @Test
  void distributedQueueDeliversEveryItemOnce() throws Exception {
    List<String> consumed = new CopyOnWriteArrayList<>();
    QueueSerializer<String> serializer =
        new QueueSerializer<>() {
          @Override
          public byte[] serialize(String item) {
            return b(item);
          }

          @Override
          public String deserialize(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
          }
        };
    QueueConsumer<String> consumer =
        new QueueConsumer<>() {
          @Override
          public void consumeMessage(String message) {
            consumed.add(message);
          }

          @Override
          public void stateChanged(CuratorFramework client, ConnectionState newState) {}
        };
    try (DistributedQueue<String> queue =
        QueueBuilder.builder(curator, consumer, serializer, "/queues/q1").buildQueue()) {
      queue.start();
      for (int i = 0; i < 20; i++) {
        queue.put("item-" + i);
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> consumed.size() >= 20);
      assertThat(consumed).doesNotHaveDuplicates().hasSize(20);
    }
  }
}
