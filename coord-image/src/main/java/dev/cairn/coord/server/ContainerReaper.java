package dev.cairn.coord.server;

import dev.cairn.coord.tree.DataNode;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.EphemeralOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's {@code ContainerManager}: every check interval, finds containers that had children
 * and have none left, and TTL nodes without children not modified for longer than their TTL, and
 * submits a deleteContainer request for each through the normal pipeline (so the delete is logged,
 * re-checked against pending changes, and fires watches like any other).
 */
public final class ContainerReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerReaper.class);
  private final DataTree tree;
  private final Consumer<String> deleter;
  private final LongSupplier clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "coord-container-reaper");
        t.setDaemon(true);
        return t;
      });

  public ContainerReaper(DataTree tree, Consumer<String> deleter, LongSupplier clock) {
    this.tree = tree;
    this.deleter = deleter;
    this.clock = clock;
  }

  public void start(int intervalMs) {
    scheduler.scheduleWithFixedDelay(this::reap, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** The paths a check would delete now. */
  List<String> candidates() {
    List<String> out = new ArrayList<>();
    for (String path : tree.containers()) {
      DataNode n = tree.node(path);
      if (n != null) {
        Stat s = n.stat();
        if (s.getCversion() > 0 && s.getNumChildren() == 0) {
          out.add(path);
        }
      }
    }
    long now = clock.getAsLong();
    for (String path : tree.ttls()) {
      DataNode n = tree.node(path);
      if (n != null) {
        Stat s = n.stat();
        long ttl = EphemeralOwner.ttlMillis(s.getEphemeralOwner());
        if (s.getNumChildren() == 0 && now - s.getMtime() > ttl) {
          out.add(path);
        }
      }
    }
    return out;
  }

  /**
   * One check. A failure is logged and the next check tries again: a scheduled task that throws is
   * never run again, and the check changes nothing itself (its deletes go through the pipeline).
   */
  private void reap() {
    try {
      candidates().forEach(deleter);
    } catch (RuntimeException e) {
      log.error("container check failed, retrying in the next interval", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
