package dev.cairn.e2e.up;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryUntilElapsed;

/**
 * An application writing to an ensemble through Curator: one thread creating {@code <root>/n-<i>}
 * one after another, each with its own data. Curator's retry policy absorbs ConnectionLoss (a
 * server restarting, an election) for up to {@link #RETRY_FOR}; creates are idempotent, so a retry
 * of a create that had committed before its answer was lost succeeds instead of failing with
 * NodeExists. Anything that still fails is recorded as a failure; each create that returned is
 * recorded as acknowledged, with its data.
 */
final class CuratorLoad implements AutoCloseable {
  static final Duration RETRY_FOR = Duration.ofSeconds(60);

  private final CuratorFramework curator;
  private final String root;
  private final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Thread writer;
  private volatile boolean running = true;

  private CuratorLoad(String connect, String root) {
    this.root = root;
    this.curator =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(30_000)
            .connectionTimeoutMs(15_000)
            .retryPolicy(new RetryUntilElapsed((int) RETRY_FOR.toMillis(), 100))
            // Curator would swap the connect string for the pods' DNS names from
            // /zookeeper/config, which resolve inside the cluster only, not in this test JVM.
            .ensembleTracker(false)
            .build();
    this.writer = new Thread(this::write, "curator-load");
  }

  static CuratorLoad start(String connect, String root) {
    CuratorLoad load = new CuratorLoad(connect, root);
    load.curator.start();
    load.writer.start();
    return load;
  }

  private void write() {
    for (long i = 0; running; i++) {
      String path = root + "/n-" + i;
      byte[] data = ("value-" + i).getBytes(StandardCharsets.UTF_8);
      try {
        curator.create().idempotent().creatingParentsIfNeeded().forPath(path, data);
        acknowledged.put(path, data);
      } catch (Exception e) {
        failures.add(new IllegalStateException("create " + path + " failed", e));
      }
    }
  }

  Map<String, byte[]> acknowledged() {
    return acknowledged;
  }

  List<Throwable> failures() {
    return failures;
  }

  /** Stops writing after the create in flight; its outcome is recorded. */
  void stop() throws InterruptedException {
    running = false;
    writer.join(RETRY_FOR.toMillis() * 2);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    curator.close();
  }
}
