package dev.cairn.common.sim;

import dev.cairn.common.io.BackgroundFsync;
import dev.cairn.common.io.StorageFile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Runs nodes on one simulated timeline, on the calling thread, from one seed: the same seed replays
 * the same run exactly, message by message. Everything random (delays, drops, which bytes a crash
 * keeps, the nodes' own randomness) is drawn from that seed, and events at the same instant run in
 * the order they were scheduled.
 *
 * <p>Faults are injected by the test, directly or at scheduled times: {@link #partition}, {@link
 * #heal}, {@link #crash}, {@link #restart}, {@link #pause}, {@link #resume}, clock jumps; the
 * network itself loses, duplicates and reorders messages as its {@link NetworkFaults} say. {@link
 * Nemesis} injects them at random.
 *
 * <p>A node's {@link NodeEnv#fsync() background fsyncs} finish when the seeded scheduler says, a
 * random {@link #fsyncDelays delay} after they were requested and in request order; the node takes
 * messages and ticks meanwhile, and a crash before one finished loses what it was to make durable.
 *
 * @param <M> the protocol's message type
 */
public final class Simulator<M> {
  /** Simulated time 0 on the nodes' wall clocks: 2026-01-01T00:00:00Z. */
  public static final long EPOCH_MILLIS = 1_767_225_600_000L;

  private final long seed;
  private final SplittableRandom random;
  private final long tickMillis;
  private NetworkFaults faults;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final TreeMap<Integer, Node> nodes = new TreeMap<>();
  private final Map<Long, Connection> connections = new HashMap<>();
  private final Set<Long> cut = new HashSet<>();
  private long now;
  private long sequence;
  private long trace = 1125899906842597L;
  private long delivered;
  private long minFsyncMillis;
  private long maxFsyncMillis = 5;

  public Simulator(long seed, NetworkFaults faults, long tickMillis) {
    if (tickMillis <= 0) {
      throw new IllegalArgumentException("tick must be positive: " + tickMillis);
    }
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.faults = faults;
    this.tickMillis = tickMillis;
  }

  public long seed() {
    return seed;
  }

  /** Simulated milliseconds since the start. */
  public long now() {
    return now;
  }

  public long tickMillis() {
    return tickMillis;
  }

  /** The simulation's randomness, for tests choosing what to do next. */
  public SplittableRandom random() {
    return random;
  }

  /**
   * How long a background fsync takes from now on: a uniform delay in {@code [minMillis,
   * maxMillis]} (0 to 5 ms unless set), never finishing before one requested earlier on that node.
   */
  public void fsyncDelays(long minMillis, long maxMillis) {
    if (minMillis < 0 || maxMillis < minMillis) {
      throw new IllegalArgumentException(
          "fsync delays must satisfy 0 <= min <= max: " + minMillis + ", " + maxMillis);
    }
    this.minFsyncMillis = minMillis;
    this.maxFsyncMillis = maxMillis;
  }

  /** Changes how the network misbehaves from now on (messages in flight keep their fate). */
  public void network(NetworkFaults faults) {
    this.faults = faults;
  }

  /**
   * A digest of everything that happened so far (deliveries, ticks, faults, and what nodes chose to
   * send): two runs with the same seed have the same trace.
   */
  public long trace() {
    return trace;
  }

  /** Messages delivered so far. */
  public long delivered() {
    return delivered;
  }

  /** Adds a node and starts it; its clock gets a random skew of up to a second. */
  public void add(int id, ProcessFactory<M> factory) {
    if (nodes.containsKey(id)) {
      throw new IllegalArgumentException("node " + id + " already exists");
    }
    Node node = new Node(id, factory, new SimStorage(), random.nextLong(-1000, 1001));
    nodes.put(id, node);
    start(node);
  }

  public Collection<Integer> ids() {
    return nodes.keySet();
  }

  /** The running process of a node, null while it is down. */
  public SimProcess<M> process(int id) {
    return node(id).process;
  }

  public SimStorage storage(int id) {
    return node(id).storage;
  }

  public boolean isUp(int id) {
    return node(id).process != null;
  }

  public boolean isPaused(int id) {
    return node(id).paused;
  }

  /**
   * Kills a node as kill -9 does: its process is gone, its unsynced writes are partly lost, and its
   * peers' connections to it break.
   */
  public void crash(int id) {
    Node node = node(id);
    if (node.process == null) {
      return;
    }
    record("crash", id);
    node.process = null;
    node.paused = false;
    node.held.clear();
    node.incarnation++;
    node.storage.crash(random);
    for (Node peer : nodes.values()) {
      if (peer.id != id) {
        breakConnection(id, peer.id);
      }
    }
  }

  /**
   * Kills a node in the middle of its next fsync, the moment a real crash hurts most: the writes of
   * the step in progress are torn or lost, and nothing the step meant to send after it leaves. A
   * background fsync is struck when it would have finished: its {@code done} never runs.
   */
  public void crashDuringNextFsync(int id) {
    Node node = node(id);
    if (node.process != null) {
      record("crash-at-fsync", id);
      node.storage.crashAtNextFsync();
    }
  }

  /** Starts a crashed node again over what its disk kept. */
  public void restart(int id) {
    Node node = node(id);
    if (node.process != null) {
      node.storage.cancelCrash();
      return;
    }
    record("restart", id);
    start(node);
  }

  /** Stops a node as SIGSTOP does: nothing reaches it until {@link #resume}; its links stay up. */
  public void pause(int id) {
    Node node = node(id);
    if (node.process != null) {
      record("pause", id);
      node.paused = true;
    }
  }

  public void resume(int id) {
    Node node = node(id);
    if (!node.paused) {
      return;
    }
    record("resume", id);
    node.paused = false;
    List<Runnable> held = new ArrayList<>(node.held);
    node.held.clear();
    // At once, not scheduled: what was queued for this instant must not overtake them.
    for (Runnable action : held) {
      action.run();
    }
  }

  /** Cuts every link between {@code side} and the other nodes, both ways. */
  public void partition(Collection<Integer> side) {
    record("partition", side.stream().mapToLong(Integer::longValue).sum());
    for (Node a : nodes.values()) {
      for (Node b : nodes.values()) {
        if (side.contains(a.id) && !side.contains(b.id)) {
          cut.add(key(a.id, b.id));
          cut.add(key(b.id, a.id));
          breakConnection(a.id, b.id);
        }
      }
    }
  }

  /** Cuts the link from one node to another only: {@code to} no longer hears {@code from}. */
  public void cutOneWay(int from, int to) {
    record("cut", (int) key(from, to));
    cut.add(key(from, to));
    breakConnection(from, to);
  }

  /** Ends every partition. */
  public void heal() {
    record("heal", cut.size());
    cut.clear();
  }

  public boolean partitioned(int from, int to) {
    return cut.contains(key(from, to));
  }

  /** Steps a node's wall clock, as NTP does; may go back. */
  public void jumpWallClock(int id, long deltaMillis) {
    record("wall-jump", id);
    node(id).clock.jumpWall(deltaMillis);
  }

  /** Moves a node's monotonic clock forward, as a VM paused and resumed sees it. */
  public void jumpMonotonicClock(int id, long deltaMillis) {
    record("monotonic-jump", id);
    node(id).clock.jumpMonotonic(deltaMillis);
  }

  /** Runs {@code action} at simulated time {@code now() + delayMillis}. */
  public void schedule(long delayMillis, Runnable action) {
    queue.add(new Event(now + Math.max(0, delayMillis), sequence++, action));
  }

  /** Runs events until simulated time {@code until}; returns false if nothing is left to run. */
  public boolean runUntil(long until) {
    while (!queue.isEmpty() && queue.peek().time <= until) {
      step();
    }
    now = Math.max(now, until);
    return !queue.isEmpty();
  }

  /** Runs for {@code millis} of simulated time. */
  public void runFor(long millis) {
    runUntil(now + millis);
  }

  /**
   * Runs until {@code condition} holds, checking it after each event, for at most {@code maxMillis}
   * of simulated time; returns whether it held.
   */
  public boolean runUntil(BooleanSupplier condition, long maxMillis) {
    long deadline = now + maxMillis;
    while (!condition.getAsBoolean()) {
      if (queue.isEmpty() || queue.peek().time > deadline) {
        now = Math.max(now, deadline);
        return condition.getAsBoolean();
      }
      step();
    }
    return true;
  }

  private void step() {
    Event event = queue.poll();
    now = event.time;
    event.action.run();
  }

  private void start(Node node) {
    int incarnation = node.incarnation;
    NodeEnv<M> env =
        new NodeEnv<>(
            node.id,
            node.clock,
            new SplittableRandom(random.nextLong()),
            (to, message) -> send(node.id, incarnation, to, message),
            node.storage,
            new NodeFsync(node, incarnation));
    try {
      node.process = node.factory.start(env);
    } catch (SimStorage.Crash crash) {
      // Died while recovering: still down, with what the disk kept.
      node.incarnation++;
      node.storage.crash(random);
      return;
    }
    scheduleTick(node, incarnation);
  }

  private void scheduleTick(Node node, int incarnation) {
    schedule(
        tickMillis,
        () -> {
          if (node.incarnation != incarnation) {
            return;
          }
          scheduleTick(node, incarnation);
          whenRunning(node, incarnation, () -> node.process.tick());
        });
  }

  /** Runs {@code action} on the node if it is still that incarnation, later if it is paused. */
  private void whenRunning(Node node, int incarnation, Runnable action) {
    if (node.incarnation != incarnation || node.process == null) {
      return;
    }
    if (node.paused) {
      node.held.add(() -> whenRunning(node, incarnation, action));
      return;
    }
    try {
      action.run();
    } catch (SimStorage.Crash crash) {
      crash(node.id);
    }
  }

  /** A node's background fsyncs: each finishes at a time the seed decides, then tells the node. */
  private final class NodeFsync implements BackgroundFsync {
    private final Node node;
    private final int incarnation;

    NodeFsync(Node node, int incarnation) {
      this.node = node;
      this.incarnation = incarnation;
    }

    @Override
    public void request(StorageFile file, Runnable done) {
      SimStorage.PendingFsync fsync = node.storage.requestFsync(file);
      long at =
          Math.max(now + random.nextLong(minFsyncMillis, maxFsyncMillis + 1), node.lastFsyncAt);
      node.lastFsyncAt = at;
      queue.add(
          new Event(
              at,
              sequence++,
              () -> {
                if (node.incarnation != incarnation || node.process == null) {
                  return;
                }
                if (node.storage.takeCrashAtFsync()) {
                  record("crash-in-fsync", node.id);
                  crash(node.id);
                  return;
                }
                record("fsync", node.id);
                node.storage.finishFsync(fsync);
                whenRunning(node, incarnation, done);
              }));
    }

    /** The disk finishes what was requested now; the {@code done}s still come at their times. */
    @Override
    public void awaitIdle() {
      node.storage.finishFsyncs();
    }
  }

  private void send(int from, int fromIncarnation, int to, M message) {
    Node sender = node(from);
    if (sender.incarnation != fromIncarnation || sender.process == null) {
      return; // a crashed process's last words
    }
    Node target = nodes.get(to);
    if (target == null) {
      throw new IllegalArgumentException("node " + from + " sent to unknown node " + to);
    }
    record("send", from * 31L + to + message.getClass().getName().hashCode());
    if (!faults.fifo()) {
      sendDatagram(from, target, message);
      return;
    }
    Connection connection = connection(from, to);
    if (connection.closing) {
      return; // the sender has not yet learnt that its connection broke
    }
    if (cut.contains(key(from, to))
        || target.process == null
        || random.nextDouble() < faults.dropProbability()) {
      breakConnection(from, to);
      return;
    }
    connection.open = true;
    int id = connection.id;
    long at = Math.max(now + delay(), connection.lastArrival(from));
    connection.lastArrival(from, at);
    int targetIncarnation = target.incarnation;
    queue.add(
        new Event(
            at,
            sequence++,
            () -> deliver(from, target, targetIncarnation, message, () -> connection.id == id)));
  }

  private void sendDatagram(int from, Node target, M message) {
    if (cut.contains(key(from, target.id)) || random.nextDouble() < faults.dropProbability()) {
      return;
    }
    int copies = random.nextDouble() < faults.duplicateProbability() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      int targetIncarnation = target.incarnation;
      schedule(
          delay(),
          () ->
              deliver(
                  from,
                  target,
                  targetIncarnation,
                  message,
                  () -> !cut.contains(key(from, target.id))));
    }
  }

  /**
   * Delivers unless {@code valid} no longer holds when the target takes it, which for a paused
   * target is at its resumption: a connection that broke meanwhile delivers nothing more.
   */
  private void deliver(int from, Node target, int incarnation, M message, BooleanSupplier valid) {
    whenRunning(
        target,
        incarnation,
        () -> {
          if (!valid.getAsBoolean()) {
            return;
          }
          delivered++;
          record("deliver", from * 31L + target.id);
          target.process.receive(from, message);
        });
  }

  /**
   * Ends the connection between two nodes, as TCP does on a reset: what is in flight is lost, both
   * ends are told at the same moment (the receiver first), and neither can send on it until told,
   * so nothing sent on a new connection arrives before the news that the old one broke. A failed
   * attempt to connect tells the sender only.
   */
  private void breakConnection(int a, int b) {
    if (!faults.fifo()) {
      return;
    }
    Connection connection = connection(a, b);
    connection.id++;
    if (connection.closing) {
      return;
    }
    boolean wasOpen = connection.open;
    connection.open = false;
    connection.closing = true;
    long at = now + delay();
    if (wasOpen) {
      queue.add(new Event(at, sequence++, () -> notifyDisconnected(b, a)));
    }
    queue.add(
        new Event(
            at,
            sequence++,
            () -> {
              connection.closing = false;
              notifyDisconnected(a, b);
            }));
  }

  private void notifyDisconnected(int at, int peer) {
    Node node = node(at);
    whenRunning(
        node,
        node.incarnation,
        () -> {
          record("disconnected", at * 31L + peer);
          node.process.disconnected(peer);
        });
  }

  private Connection connection(int a, int b) {
    return connections.computeIfAbsent(key(Math.min(a, b), Math.max(a, b)), k -> new Connection());
  }

  private long delay() {
    return random.nextLong(faults.minDelayMillis(), faults.maxDelayMillis() + 1);
  }

  private void record(String what, long detail) {
    trace = trace * 1_000_003L + now;
    trace = trace * 1_000_003L + what.hashCode();
    trace = trace * 1_000_003L + detail;
  }

  private Node node(int id) {
    Node node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no node " + id);
    }
    return node;
  }

  private static long key(int from, int to) {
    return ((long) from << 32) | (to & 0xffffffffL);
  }

  private record Event(long time, long sequence, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  /** The TCP connection between two nodes on a FIFO network; ordered in each direction. */
  private static final class Connection {
    int id;
    boolean open;
    boolean closing;
    private final Map<Integer, Long> lastArrival = new HashMap<>(2);

    long lastArrival(int from) {
      return lastArrival.getOrDefault(from, 0L);
    }

    void lastArrival(int from, long at) {
      lastArrival.put(from, at);
    }
  }

  private final class Node {
    final int id;
    final ProcessFactory<M> factory;
    final SimStorage storage;
    final SimClock clock;
    final List<Runnable> held = new ArrayList<>();
    long lastFsyncAt;
    SimProcess<M> process;
    boolean paused;
    int incarnation;

    Node(int id, ProcessFactory<M> factory, SimStorage storage, long wallSkew) {
      this.id = id;
      this.factory = factory;
      this.storage = storage;
      this.clock = new SimClock(() -> now, wallSkew);
    }
  }
}
