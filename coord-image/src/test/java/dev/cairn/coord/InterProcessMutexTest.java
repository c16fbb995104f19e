package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Curator's InterProcessMutex: mutual exclusion across clients, and no herd effect. */
class InterProcessMutexTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  private static CuratorFramework client() throws InterruptedException {
    // No ensemble tracker: its watch on /zookeeper/config would blur the count of lock watches.
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(coord.engine().connectString())
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(5_000)
            .retryPolicy(new ExponentialBackoffRetry(100, 3))
            .ensembleTracker(false)
            .build();
    c.start();
    assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @Test
  void oneHolderAtATimeAndEachWaiterWatchesOnlyItsPredecessor() throws Exception {
    int contenders = 5;
    List<CuratorFramework> clients = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      clients.add(client());
    }
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      InterProcessMutex first = new InterProcessMutex(clients.get(0), "/locks/l1");
      first.acquire();
      AtomicInteger holders = new AtomicInteger();
      AtomicInteger maxHolders = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      List<Future<?>> waiters = new ArrayList<>();
      for (int i = 1; i < contenders; i++) {
        CuratorFramework c = clients.get(i);
        waiters.add(
            pool.submit(() -> {
              InterProcessMutex m = new InterProcessMutex(c, "/locks/l1");
              m.acquire();
              try {
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                Thread.sleep(20);
                holders.decrementAndGet();
              } finally {
                m.release();
                done.incrementAndGet();
              }
              return null;
            }));
      }
      // While the first holds the lock, the 4 waiters each watch exactly one distinct node.
      String wchs = "";
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && !wchs.contains("Total watches:4")) {
        Thread.sleep(50);
        wchs = FourLetter.ask(coord.engine(), "wchs");
      }
      assertThat(wchs).startsWith("4 connections watching 4 paths");
      assertThat(done.get()).isZero();
      first.release();
      for (Future<?> f : waiters) {
        f.get(20, TimeUnit.SECONDS);
      }
      assertThat(maxHolders.get()).isEqualTo(1);
      assertThat(done.get()).isEqualTo(contenders - 1);
    } finally {
      pool.shutdownNow();
      clients.forEach(CuratorFramework::close);
    }
  }
}
