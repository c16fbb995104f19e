package dev.cairn.coord.persist;

import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots on its own thread while the server keeps applying txns (at most one at a time: a
 * request while one runs is dropped, the next {@code snapCount} txns will ask again), and purges
 * old snapshots and the log files only they needed, keeping {@code snapRetainCount} snapshots.
 */
public final class Snapshotter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);

  private final Path dataDir;
  private final Path logDir;
  private final DataTree tree;
  private final SessionTracker sessions;
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "coord-snapshot");
        t.setDaemon(true);
        return t;
      });

  public Snapshotter(Path dataDir, Path logDir, DataTree tree, SessionTracker sessions) {
    this.dataDir = dataDir;
    this.logDir = logDir;
    this.tree = tree;
    this.sessions = sessions;
  }

  /** Starts a fuzzy snapshot in the background unless one is running. */
  public void request() {
    if (running.compareAndSet(false, true)) {
      executor.execute(() -> {
        try {
          takeNow();
        } finally {
          running.set(false);
        }
      });
    }
  }

  /** Writes a snapshot on the calling thread; returns its zxid. */
  public long takeNow() {
    long zxid = tree.lastProcessedZxid();
    long start = System.nanoTime();
    try {
      Path file = Snapshots.write(dataDir, zxid, tree, sessions);
      log.info(
          "snapshot {} written in {} ms",
          file.getFileName(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      // The log still holds every txn: the next snapCount txns ask for a snapshot again.
      log.error("snapshot at zxid 0x{} failed", Long.toHexString(zxid), e);
    }
    return zxid;
  }

  /** Schedules {@link #purge} every {@code hours} (0 disables, as autopurge.purgeInterval). */
  public void schedulePurge(int hours, int retain) {
    if (hours <= 0) {
      return;
    }
    var scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "coord-purge");
          t.setDaemon(true);
          return t;
        });
    scheduler.scheduleWithFixedDelay(() -> purge(retain), hours, hours, TimeUnit.HOURS);
    purgeScheduler = scheduler;
  }

  private java.util.concurrent.ScheduledExecutorService purgeScheduler;

  /** Keeps the newest {@code retain} snapshots and the log files needed to replay after them. */
  public void purge(int retain) {
    try {
      List<Path> snapshots = Snapshots.list(dataDir);
      if (snapshots.size() <= retain) {
        return;
      }
      long oldestKept = Snapshots.zxidOf(snapshots.get(retain - 1));
      for (Path old : snapshots.subList(retain, snapshots.size())) {
        Files.deleteIfExists(old);
        log.info("purged snapshot {}", old.getFileName());
      }
      List<TxnLog.Segment> segments = TxnLog.segments(logDir);
      for (int i = 0; i + 1 < segments.size(); i++) {
        if (segments.get(i + 1).firstZxid() <= oldestKept + 1) {
          Files.deleteIfExists(segments.get(i).path());
          log.info("purged txn log {}", segments.get(i).path().getFileName());
        }
      }
    } catch (IOException | RuntimeException e) {
      // Caught whatever it is: a scheduled purge that throws is never run again.
      log.warn("purge failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (purgeScheduler != null) {
      purgeScheduler.shutdownNow();
    }
  }
}
