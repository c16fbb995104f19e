package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watches as ZooKeeper fires them: one-shot, persistent, recursive, ordering, removal. */
class WatchesTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  static ZooKeeper zk;
  static ZooKeeper other;

  @BeforeAll
  static void connect() throws Exception {
    zk = TestCoordinators.connect(coord.engine());
    other = TestCoordinators.connect(coord.engine());
  }

  @AfterAll
  static void close() throws Exception {
    zk.close();
    other.close();
  }

  private static String take(BlockingQueue<WatchedEvent> q) throws InterruptedException {
    WatchedEvent e = q.poll(5, TimeUnit.SECONDS);
    assertThat(e).as("expected a watch event").isNotNull();
    return e.getType() + " " + e.getPath();
  }

  private static void create(String path) throws Exception {
    other.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
  }

  @Test
  void oneShotDataWatchFiresOnceForChangeAndDelete() throws Exception {
    create("/w1");
    BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    zk.getData("/w1", events::add, null);
    other.setData("/w1", new byte[] {1}, -1);
    assertThat(take(events)).isEqualTo("NodeDataChanged /w1");
    other.setData("/w1", new byte[] {2}, -1);
    zk.exists("/w1", events::add);
    other.delete("/w1", -1);
    assertThat(take(events)).isEqualTo("NodeDeleted /w1");
    assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void existsWatchOnMissingNodeFiresNodeCreated() throws Exception {
    BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    assertThat(zk.exists("/w2", events::add)).isNull();
    create("/w2");
    assertThat(take(events)).isEqualTo("NodeCreated /w2");
  }

  @Test
  void childWatchFiresOnCreateAndDeleteOfChildren() throws Exception {
    create("/w3");
    BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    zk.getChildren("/w3", events::add);
    create("/w3/a");
    assertThat(take(events)).isEqualTo("NodeChildrenChanged /w3");
    zk.getChildren("/w3", events::add);
    other.delete("/w3/a", -1);
    assertThat(take(events)).isEqualTo("NodeChildrenChanged /w3");
  }

  @Test
  void notificationArrivesBeforeTheReplyToALaterRequest() throws Exception {
    create("/w4");
    List<String> order = new CopyOnWriteArrayList<>();
    zk.getData("/w4", e -> order.add("event " + e.getType()), null);
    other.setData("/w4", new byte[] {9}, -1);
    // The change is applied before zk's next request is processed, so its event must be
    // delivered before that request's reply.
    byte[] data = zk.getData("/w4", false, null);
    order.add("reply " + data[0]);
    assertThat(order).containsExactly("event NodeDataChanged", "reply 9");
  }

  @Test
  void persistentRecursiveWatchSeesDescendantsAndStays() throws Exception {
    create("/w5");
    BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    zk.addWatch("/w5", events::add, AddWatchMode.PERSISTENT_RECURSIVE);
    create("/w5/a");
    assertThat(take(events)).isEqualTo("NodeCreated /w5/a");
    create("/w5/a/b");
    assertThat(take(events)).isEqualTo("NodeCreated /w5/a/b");
    other.setData("/w5/a/b", new byte[] {1}, -1);
    assertThat(take(events)).isEqualTo("NodeDataChanged /w5/a/b");
    other.delete("/w5/a/b", -1);
    assertThat(take(events)).isEqualTo("NodeDeleted /w5/a/b");
    zk.removeAllWatches("/w5", Watcher.WatcherType.Any, false);
    create("/w5/c");
    WatchedEvent late = events.poll(300, TimeUnit.MILLISECONDS);
    assertThat(late == null || late.getType() == EventType.PersistentWatchRemoved).isTrue();
  }

  @Test
  void persistentWatchSeesDataAndChildEventsOnItsPath() throws Exception {
    create("/w6");
    BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    zk.addWatch("/w6", events::add, AddWatchMode.PERSISTENT);
    other.setData("/w6", new byte[] {1}, -1);
    assertThat(take(events)).isEqualTo("NodeDataChanged /w6");
    create("/w6/x");
    assertThat(take(events)).isEqualTo("NodeChildrenChanged /w6");
    other.setData("/w6", new byte[] {2}, -1);
    assertThat(take(events)).isEqualTo("NodeDataChanged /w6");
  }

  @Test
  void removeWatchesAnswersNoWatcherWhenNoneIsSet() throws Exception {
    create("/w7");
    Watcher w = e -> {};
    zk.getData("/w7", w, null);
    zk.removeWatches("/w7", w, Watcher.WatcherType.Data, false);
    assertThatThrownBy(() -> zk.removeWatches("/w7", w, Watcher.WatcherType.Data, false))
        .isInstanceOf(KeeperException.NoWatcherException.class);
  }
}
