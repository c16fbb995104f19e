package dev.cairn.bench.coord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * ZooKeeper-protocol load generator: N clients (one session and one thread each, synchronous calls,
 * as most applications use the client) run timed phases against one server and the tool prints one
 * {@code RESULT} line per op with throughput and latency percentiles.
 *
 * <p>Phases: {@code create} (persistent nodes), {@code setData}, {@code getData}, {@code exists}
 * (each on the client's own nodes), then {@code mixed}: 10% create, 20% setData, 40% getData, 30%
 * exists. Payloads are {@code --size} bytes. Each phase has a warm-up whose samples are dropped.
 *
 * <pre>
 * java -jar cairn-bench.jar --connect 127.0.0.1:2181 --clients 16 --seconds 10 --label zk
 * RESULT label=zk op=create ops=5321.0 p50_us=2810 p99_us=6020
 * </pre>
 */
public final class ZkLoad {
  private final String connect;
  private final int clients;
  private final int seconds;
  private final int warmupSeconds;
  private final int size;
  private final String label;

  private ZkLoad(String[] args) {
    String connect = "127.0.0.1:2181";
    int clients = 16;
    int seconds = 10;
    int warmup = 2;
    int size = 100;
    String label = "server";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--connect" -> connect = args[i + 1];
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--label" -> label = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    this.connect = connect;
    this.clients = clients;
    this.seconds = seconds;
    this.warmupSeconds = warmup;
    this.size = size;
    this.label = label;
  }

  public static void main(String[] args) throws Exception {
    new ZkLoad(args).run();
  }

  /** The op a worker performs; returns normally on success. */
  @FunctionalInterface
  private interface Op {
    void run(Worker w) throws Exception;
  }

  private static final String[] OPS = {"create", "setData", "getData", "exists"};

  private void run() throws Exception {
    List<Worker> workers = new ArrayList<>();
    String root = "/bench-" + Long.toHexString(System.nanoTime());
    for (int i = 0; i < clients; i++) {
      workers.add(new Worker(i, connect(), root + "/c" + i));
    }
    workers.get(0).zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    for (Worker w : workers) {
      w.zk.create(w.base, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    phase("create", workers, w -> w.create());
    phase("setData", workers, w -> w.zk.setData(w.randomNode(), w.payload, -1));
    phase("getData", workers, w -> w.zk.getData(w.randomNode(), false, null));
    phase("exists", workers, w -> w.zk.exists(w.randomNode(), false));
    mixed(workers);
    for (Worker w : workers) {
      w.zk.close();
    }
  }

  private ZooKeeper connect() throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            30_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
              }
            });
    if (!up.await(15, TimeUnit.SECONDS)) {
      throw new IllegalStateException("cannot connect to " + connect);
    }
    return zk;
  }

  private void phase(String name, List<Worker> workers, Op op) throws Exception {
    Samples[] perWorker = runTimed(workers, w -> op.run(w), name);
    report(name, Samples.merge(perWorker));
  }

  private void mixed(List<Worker> workers) throws Exception {
    Samples[] overall =
        runTimed(
            workers,
            w -> {
              int roll = ThreadLocalRandom.current().nextInt(100);
              int op = roll < 10 ? 0 : roll < 30 ? 1 : roll < 70 ? 2 : 3;
              long start = System.nanoTime();
              switch (op) {
                case 0 -> w.create();
                case 1 -> w.zk.setData(w.randomNode(), w.payload, -1);
                case 2 -> w.zk.getData(w.randomNode(), false, null);
                default -> w.zk.exists(w.randomNode(), false);
              }
              if (w.recording) {
                w.mixed[op].add(System.nanoTime() - start);
              }
            },
            "mixed");
    long window = overall[0].windowNanos;
    report("mixed", Samples.merge(overall));
    for (int op = 0; op < OPS.length; op++) {
      Samples[] parts = new Samples[workers.size()];
      for (int i = 0; i < workers.size(); i++) {
        parts[i] = workers.get(i).mixed[op];
      }
      Samples s = Samples.merge(parts);
      s.windowNanos = window;
      report("mixed-" + OPS[op], s);
    }
  }

  /** Runs {@code op} in a loop on every worker for warm-up + measured seconds. */
  private Samples[] runTimed(List<Worker> workers, Op op, String name) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Samples[] samples = new Samples[workers.size()];
    List<Thread> threads = new ArrayList<>();
    long[] window = new long[2];
    for (int i = 0; i < workers.size(); i++) {
      Worker w = workers.get(i);
      w.startPhase();
      Samples s = new Samples();
      samples[i] = s;
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    long start = System.nanoTime();
                    op.run(w);
                    if (w.recording) {
                      s.add(System.nanoTime() - start);
                    }
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(name + " failed: " + e, e);
                }
              },
              "load-" + i);
      threads.add(t);
      t.start();
    }
    Thread.sleep(warmupSeconds * 1000L);
    workers.forEach(w -> w.recording = true);
    window[0] = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    workers.forEach(w -> w.recording = false);
    window[1] = System.nanoTime();
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    for (Samples s : samples) {
      s.windowNanos = window[1] - window[0];
    }
    return samples;
  }

  private void report(String op, Samples s) {
    long[] sorted = s.sorted();
    double opsPerSec = sorted.length / (s.windowNanos / 1e9);
    System.out.printf(
        Locale.ROOT,
        "RESULT label=%s op=%s ops=%.1f p50_us=%d p99_us=%d%n",
        label,
        op,
        opsPerSec,
        percentile(sorted, 0.50) / 1000,
        percentile(sorted, 0.99) / 1000);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** One client: its session, its subtree and the nodes it created. */
  private final class Worker {
    final ZooKeeper zk;
    final String base;
    final byte[] payload = new byte[size];
    final List<String> nodes = new ArrayList<>();
    final Samples[] mixed = {new Samples(), new Samples(), new Samples(), new Samples()};
    volatile boolean recording;
    int next;

    Worker(int id, ZooKeeper zk, String base) {
      this.zk = zk;
      this.base = base;
      Arrays.fill(payload, (byte) ('a' + id % 26));
    }

    void startPhase() {
      recording = false;
    }

    void create() throws Exception {
      String path = base + "/n" + next++;
      zk.create(path, payload, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      nodes.add(path);
    }

    String randomNode() {
      return nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    }
  }

  /** Latency samples of one thread, in nanoseconds; grows as needed. */
  private static final class Samples {
    long[] values = new long[1 << 14];
    int count;
    long windowNanos = 1;

    void add(long nanos) {
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
      }
      values[count++] = nanos;
    }

    long[] sorted() {
      long[] copy = Arrays.copyOf(values, count);
      Arrays.sort(copy);
      return copy;
    }

    static Samples merge(Samples... parts) {
      Samples out = new Samples();
      for (Samples p : parts) {
        for (int i = 0; i < p.count; i++) {
          out.add(p.values[i]);
        }
        out.windowNanos = Math.max(out.windowNanos, p.windowNanos);
      }
      return out;
    }
  }
}
