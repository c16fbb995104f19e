package dev.cairn.e2e.faults;

import dev.cairn.common.history.AcknowledgedWrites;
import dev.cairn.common.history.History;
import dev.cairn.common.history.Register;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Write load on a coordinator from ZooKeeper clients, one session per thread, recorded for the
 * checkers: creators make {@code /acked/c<process>-<n>} nodes ({@link AcknowledgedWrites}), and
 * register clients read {@code /register} and compare-and-set it ({@link History} of a {@link
 * Register}).
 *
 * <p>The register's data is always its version: created as "0" at version 0, and only ever set to
 * v+1 with expected version v. So a setData with expected version v is exactly a CAS from v to v+1
 * on the value, and BadVersion is its "did not swap" answer.
 *
 * <p>A lost connection or expired session makes a write's outcome unknown and a read's irrelevant;
 * the thread carries on (in a new session if it expired). Any other error ends the load and is
 * rethrown by {@link #close}.
 */
final class CoordinatorLoad implements AutoCloseable {
  static final String ACKED = "/acked";
  static final String REGISTER = "/register";

  /** Well above a kill -9 and restart (a JVM start), so sessions outlive the fault. */
  private static final int SESSION_TIMEOUT_MS = 15_000;

  private static final long CONNECT_TIMEOUT_S = 10;
  private static final long STOP_TIMEOUT_S = 30;

  /** Between attempts while the server is away, so a down server is not spun on. */
  private static final long BACKOFF_MS = 100;

  private final String connect;
  private final boolean syncedReads;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;
  private final List<Future<?>> workers = new ArrayList<>();
  private final AcknowledgedWrites<String> creates = new AcknowledgedWrites<>();
  private final History<Register.Op, Register.Result> register = new History<>();

  /** Creates the nodes the load writes under, then starts the threads. */
  CoordinatorLoad(String connect, int creators, int registerClients) throws Exception {
    this(connect, creators, registerClients, false);
  }

  /**
   * With {@code syncedReads}, each read of the register follows a {@code sync}: in an ensemble a
   * plain read is served by whichever server the client is on and may be stale (ZooKeeper promises
   * sequential consistency, not linearizable reads); sync then read is how a ZooKeeper client reads
   * the latest value.
   */
  CoordinatorLoad(String connect, int creators, int registerClients, boolean syncedReads)
      throws Exception {
    this.connect = connect;
    this.syncedReads = syncedReads;
    try (ZooKeeper zk = connect(connect)) {
      zk.create(ACKED, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      int id = register.invoke(0, Register.Op.write(REGISTER, 0));
      zk.create(REGISTER, bytes(0), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      register.ok(id, Register.Result.OK);
    }
    threads = Executors.newFixedThreadPool(creators + registerClients);
    for (int p = 1; p <= creators; p++) {
      int process = p;
      workers.add(threads.submit(() -> run((zk, n) -> create(zk, process, n))));
    }
    for (int p = 1; p <= registerClients; p++) {
      int process = p;
      workers.add(threads.submit(() -> run((zk, n) -> readThenCas(zk, process))));
    }
  }

  AcknowledgedWrites<String> creates() {
    return creates;
  }

  History<Register.Op, Register.Result> register() {
    return register;
  }

  static ZooKeeper connect(String connect) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            SESSION_TIMEOUT_MS,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(CONNECT_TIMEOUT_S, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("no session with " + connect);
    }
    return zk;
  }

  /** Step {@code n} of a thread's loop. */
  @FunctionalInterface
  private interface Step {
    void run(ZooKeeper zk, long n) throws Exception;
  }

  private Void run(Step step) throws Exception {
    ZooKeeper zk = connect(connect);
    try {
      for (long n = 0; running.get(); n++) {
        try {
          step.run(zk, n);
        } catch (KeeperException.SessionExpiredException e) {
          zk.close();
          zk = connect(connect);
        } catch (KeeperException.ConnectionLossException
            | KeeperException.OperationTimeoutException e) {
          Thread.sleep(BACKOFF_MS);
        }
      }
      return null;
    } finally {
      zk.close();
    }
  }

  private void create(ZooKeeper zk, int process, long n) throws Exception {
    // Every attempt gets a new path: a create whose answer was lost may exist all the same.
    String path = ACKED + "/c" + process + "-" + n;
    zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    creates.acknowledged(path);
  }

  private void readThenCas(ZooKeeper zk, int process) throws Exception {
    int read = register.invoke(process, Register.Op.read(REGISTER));
    long value;
    try {
      if (syncedReads) {
        sync(zk);
      }
      value = Long.parseLong(new String(zk.getData(REGISTER, false, null), StandardCharsets.UTF_8));
    } catch (KeeperException e) {
      register.fail(read);
      throw e;
    }
    register.ok(read, Register.Result.read(value));
    int cas = register.invoke(process, Register.Op.cas(REGISTER, value, value + 1));
    try {
      zk.setData(REGISTER, bytes(value + 1), (int) value);
      register.ok(cas, Register.Result.OK);
    } catch (KeeperException.BadVersionException e) {
      register.ok(cas, Register.Result.FAILED);
    } catch (KeeperException e) {
      register.info(cas);
      throw e;
    }
  }

  private static void sync(ZooKeeper zk) throws Exception {
    java.util.concurrent.CompletableFuture<Integer> done =
        new java.util.concurrent.CompletableFuture<>();
    zk.sync(REGISTER, (rc, path, ctx) -> done.complete(rc), null);
    int rc;
    try {
      rc = done.get(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new KeeperException.OperationTimeoutException();
    }
    if (rc != 0) {
      throw KeeperException.create(KeeperException.Code.get(rc));
    }
  }

  private static byte[] bytes(long value) {
    return Long.toString(value).getBytes(StandardCharsets.UTF_8);
  }

  /** Stops the threads, waits for them (bounded) and rethrows the first failure of any. */
  @Override
  public void close() throws Exception {
    running.set(false);
    threads.shutdown();
    if (!threads.awaitTermination(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
      threads.shutdownNow();
      throw new IllegalStateException("load threads still running after " + STOP_TIMEOUT_S + " s");
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
  }
}
