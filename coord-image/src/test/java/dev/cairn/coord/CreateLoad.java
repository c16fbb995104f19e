package dev.cairn.coord;

import dev.cairn.common.history.AcknowledgedWrites;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * One writer thread per client creating sequential nodes {@code /wN-…} until closed, recording the
 * creates acknowledged. A create lost with its connection has an unknown outcome and is not counted
 * (the client reconnects on its own); any other failure fails {@link #close}.
 */
final class CreateLoad implements AutoCloseable {
  private final AcknowledgedWrites<String> acked = new AcknowledgedWrites<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> writers = new ArrayList<>();
  private final List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** {@code writers} writers, each with its own client of {@code connectString}. */
  static CreateLoad on(ProcessEnsemble ensemble, String connectString, int writers)
      throws Exception {
    List<ZooKeeper> clients = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      clients.add(ensemble.connect(connectString));
    }
    return new CreateLoad(clients);
  }

  CreateLoad(List<ZooKeeper> clients) {
    for (int w = 0; w < clients.size(); w++) {
      ZooKeeper zk = clients.get(w);
      String prefix = "/w" + w + "-";
      writers.add(Thread.ofPlatform().start(() -> write(zk, prefix)));
    }
  }

  private void write(ZooKeeper zk, String prefix) {
    while (running.get()) {
      try {
        acked.acknowledged(
            zk.create(
                prefix,
                new byte[0],
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_SEQUENTIAL));
      } catch (KeeperException.ConnectionLossException e) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (KeeperException | RuntimeException e) {
        failures.add(e);
        return;
      }
    }
  }

  AcknowledgedWrites<String> acked() {
    return acked;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : writers) {
      t.join(30_000);
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("a writer failed: " + failures.getFirst(), failures.getFirst());
    }
  }
}
