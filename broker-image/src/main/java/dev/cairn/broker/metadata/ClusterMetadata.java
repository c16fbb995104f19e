package dev.cairn.broker.metadata;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's view of, and writes to, the cluster metadata in the coordinator, through Curator.
 *
 * <p>Reads: caches of {@code /brokers}, {@code /config} and {@code /controller} (see {@link
 * ZkPaths}) are folded into a new {@link MetadataImage} after every change, on one event thread;
 * listeners (the replica manager, the controller) run there too, in order. Nothing blocks the
 * ZooKeeper event thread.
 *
 * <p>Writes: topic creation (assignment, partition states and config in one multi-op, so other
 * brokers never see a half-created topic), deletion, partition growth, config changes, broker
 * registration (ephemeral) and producer-id blocks (compare-and-set on the znode version).
 */
public final class ClusterMetadata implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMetadata.class);

  /** Producer ids are handed out to brokers in blocks of this size, as Kafka does. */
  public static final long PRODUCER_ID_BLOCK_SIZE = 1000;

  private final CuratorFramework client;
  private final ExecutorService events;
  private final List<CuratorCache> caches = new ArrayList<>();
  private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
  private final Object imageLock = new Object();
  private final List<ImageWaiter> waiters = new ArrayList<>();
  private final List<java.util.function.LongConsumer> registrationListeners =
      new CopyOnWriteArrayList<>();
  private volatile BrokerInfo registration;
  private volatile Duration registrationTimeout;
  private volatile boolean sessionLost;
  private volatile MetadataImage image = MetadataImage.EMPTY;
  private volatile MetadataImage lastBuilt = MetadataImage.EMPTY;

  public ClusterMetadata(String connect, int sessionTimeoutMs, int connectionTimeoutMs) {
    this.client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs(connectionTimeoutMs)
            .retryPolicy(new ExponentialBackoffRetry(200, 10, 2000))
            .build();
    this.events =
        Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "broker-metadata");
          t.setDaemon(true);
          return t;
        });
  }

  /** Connects, creates the persistent parents, and loads the caches. */
  public void start(Duration timeout) throws Exception {
    client
        .getConnectionStateListenable()
        .addListener((c, state) -> {
          if (state == ConnectionState.LOST) {
            sessionLost = true;
            log.warn("coordinator session lost: this broker's registration is gone");
          } else if (state == ConnectionState.RECONNECTED && sessionLost) {
            sessionLost = false;
            BrokerInfo self = registration;
            if (self != null) {
              Thread t = new Thread(() -> reRegister(self), "broker-reregister");
              t.setDaemon(true);
              t.start();
            }
          }
        });
    client.start();
    if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("could not reach the coordinator within " + timeout);
    }
    for (String p :
        List.of(
            ZkPaths.BROKER_IDS,
            ZkPaths.TOPICS,
            ZkPaths.TOPIC_CONFIGS,
            ZkPaths.BROKER_CONFIGS,
            ZkPaths.DELETE_TOPICS,
            ZkPaths.REASSIGNMENTS)) {
      try {
        client.create().creatingParentsIfNeeded().forPath(p);
      } catch (KeeperException.NodeExistsException e) {
        // created by another broker or an earlier run
      }
    }
    List<java.util.concurrent.CountDownLatch> loaded = new ArrayList<>();
    for (String root :
        List.of(
            ZkPaths.BROKERS,
            ZkPaths.CONFIG,
            ZkPaths.CONTROLLER,
            ZkPaths.DELETE_TOPICS,
            ZkPaths.REASSIGNMENTS)) {
      CuratorCache cache = CuratorCache.build(client, root);
      java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forAll((type, oldData, data) -> events.execute(this::rebuild))
                  .forInitialized(latch::countDown)
                  .build());
      caches.add(cache);
      loaded.add(latch);
      cache.start();
    }
    for (var latch : loaded) {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("metadata caches not loaded within " + timeout);
      }
    }
    events.submit(this::rebuild).get();
  }

  public CuratorFramework client() {
    return client;
  }

  public ExecutorService events() {
    return events;
  }

  /** The image clients may be told about: listeners have applied it. */
  public MetadataImage image() {
    return image;
  }

  /** The newest image, possibly still being applied by listeners (topic configs for new logs). */
  public MetadataImage latest() {
    return lastBuilt;
  }

  /** Calls {@code listener} on the event thread with every new image (and the current one). */
  public void addListener(Consumer<MetadataImage> listener) {
    listeners.add(listener);
    events.execute(() -> listener.accept(image));
  }

  /**
   * Completes with the first published image that satisfies {@code condition} (the current one if
   * it does), or fails with a {@link TimeoutException} after {@code timeout}. Nothing waits: the
   * future completes on the metadata event thread, so what depends on it must be quick.
   */
  public CompletableFuture<MetadataImage> when(
      Predicate<MetadataImage> condition, Duration timeout) {
    ImageWaiter w = new ImageWaiter(condition, new CompletableFuture<>());
    synchronized (imageLock) {
      if (condition.test(image)) {
        return CompletableFuture.completedFuture(image);
      }
      waiters.add(w);
    }
    w.done()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((i, e) -> {
          synchronized (imageLock) {
            waiters.remove(w);
          }
        });
    return w.done()
        .exceptionallyCompose(e ->
            CompletableFuture.failedFuture(
                e instanceof java.util.concurrent.TimeoutException
                    ? new TimeoutException(
                        "Metadata not updated within " + timeout.toMillis() + " ms")
                    : e));
  }

  private record ImageWaiter(
      Predicate<MetadataImage> condition, CompletableFuture<MetadataImage> done) {}

  private void rebuild() {
    Map<String, ChildData> nodes = new HashMap<>();
    for (CuratorCache c : caches) {
      c.stream().forEach(d -> nodes.put(d.getPath(), d));
    }
    Map<Integer, BrokerInfo> brokers = new TreeMap<>();
    Map<Integer, Long> brokerEpochs = new TreeMap<>();
    Map<org.apache.kafka.common.TopicPartition, Reassignment> reassignments = new HashMap<>();
    Map<String, Map<Integer, Stat>> stateStats = new HashMap<>();
    Map<String, TopicAssignment> assignments = new TreeMap<>();
    Map<String, Map<Integer, PartitionState>> states = new HashMap<>();
    Map<String, Map<String, String>> configs = new HashMap<>();
    Map<String, Set<Uuid>> deleted = new HashMap<>();
    Map<String, Map<String, String>> brokerConfigs = new HashMap<>();
    int controller = -1;
    for (ChildData d : nodes.values()) {
      String path = d.getPath();
      String[] parts = path.substring(1).split("/");
      try {
        if (path.equals(ZkPaths.CONTROLLER)) {
          controller =
              Integer.parseInt(ZnodeText.decode(d.getData()).getOrDefault("brokerid", "-1"));
        } else if (parts.length == 3 && path.startsWith(ZkPaths.BROKER_IDS + "/")) {
          int id = Integer.parseInt(parts[2]);
          brokers.put(id, BrokerInfo.decode(id, d.getData()));
          brokerEpochs.put(id, d.getStat().getCzxid());
        } else if (parts.length == 3 && path.startsWith(ZkPaths.TOPICS + "/")) {
          if (d.getData() != null && d.getData().length > 0) {
            assignments.put(parts[2], TopicAssignment.decode(d.getData()));
          }
        } else if (parts.length == 6 && parts[5].equals("state")) {
          states
              .computeIfAbsent(parts[2], t -> new HashMap<>())
              .put(Integer.parseInt(parts[4]), PartitionState.decode(d.getData()));
          stateStats
              .computeIfAbsent(parts[2], t -> new HashMap<>())
              .put(Integer.parseInt(parts[4]), d.getStat());
        } else if (parts.length == 3 && path.startsWith(ZkPaths.TOPIC_CONFIGS + "/")) {
          configs.put(parts[2], ZnodeText.decode(d.getData()));
        } else if (parts.length == 3 && path.startsWith(ZkPaths.BROKER_CONFIGS + "/")) {
          brokerConfigs.put(parts[2], Map.copyOf(ZnodeText.decode(d.getData())));
        } else if (parts.length == 4 && path.startsWith(ZkPaths.REASSIGNMENTS + "/")) {
          reassignments.put(
              new org.apache.kafka.common.TopicPartition(parts[2], Integer.parseInt(parts[3])),
              Reassignment.decode(d.getData()));
        } else if (parts.length == 3 && path.startsWith(ZkPaths.DELETE_TOPICS + "/")) {
          deleted.put(parts[2], deletedIds(d.getData()));
        }
      } catch (RuntimeException e) {
        log.warn("ignoring unreadable metadata znode {}: {}", path, e.toString());
      }
    }
    Map<String, MetadataImage.TopicImage> topics = new TreeMap<>();
    assignments.forEach((name, a) -> {
      Map<Integer, MetadataImage.PartitionImage> partitions = new TreeMap<>();
      Map<Integer, PartitionState> st = states.getOrDefault(name, Map.of());
      Map<Integer, Stat> stats = stateStats.getOrDefault(name, Map.of());
      a.replicas()
          .forEach((p, replicas) -> {
            Stat stat = stats.get(p);
            partitions.put(
                p,
                new MetadataImage.PartitionImage(
                    p,
                    replicas,
                    st.get(p),
                    stat == null ? 0 : stat.getVersion(),
                    stat == null ? 0 : stat.getMzxid()));
          });
      topics.put(
          name,
          new MetadataImage.TopicImage(
              name, a.topicId(), partitions, Map.copyOf(configs.getOrDefault(name, Map.of()))));
    });
    MetadataImage next =
        new MetadataImage(
            Map.copyOf(brokers),
            controller,
            Map.copyOf(topics),
            Map.copyOf(deleted),
            Map.copyOf(brokerConfigs),
            Map.copyOf(brokerEpochs),
            Map.copyOf(reassignments));
    if (next.equals(lastBuilt)) {
      return;
    }
    lastBuilt = next;
    // Listeners (the replica manager) apply the image before it is published, so a client that
    // sees a partition in Metadata finds this broker already acting on it.
    for (Consumer<MetadataImage> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.error("metadata listener failed", e);
      }
    }
    List<ImageWaiter> satisfied = new ArrayList<>();
    synchronized (imageLock) {
      image = next;
      waiters.removeIf(w -> w.condition().test(next) && satisfied.add(w));
    }
    satisfied.forEach(w -> w.done().complete(next));
  }

  /**
   * Calls {@code listener} on the event thread with the broker epoch of each registration of this
   * broker: the first, and each after a lost session.
   */
  public void onRegistered(java.util.function.LongConsumer listener) {
    registrationListeners.add(listener);
  }

  /**
   * Registers this broker as an ephemeral znode. A registration left by a previous run of the same
   * broker id (killed, session not yet expired) is waited out for up to {@code timeout}. The broker
   * epoch (the zxid that created the registration) goes to the {@link #onRegistered} listeners;
   * after a lost session the broker registers again by itself.
   */
  public void registerBroker(BrokerInfo self, Duration timeout) throws Exception {
    registration = self;
    registrationTimeout = timeout;
    long epoch = create(self, timeout);
    events.submit(() -> registrationListeners.forEach(l -> l.accept(epoch))).get();
  }

  private void reRegister(BrokerInfo self) {
    try {
      long epoch = create(self, registrationTimeout);
      events.execute(() -> registrationListeners.forEach(l -> l.accept(epoch)));
    } catch (Exception e) {
      log.error("broker {} could not register again after its session was lost", self.id(), e);
    }
  }

  private long create(BrokerInfo self, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Stat stat = new Stat();
        client
            .create()
            .storingStatIn(stat)
            .withMode(CreateMode.EPHEMERAL)
            .forPath(ZkPaths.broker(self.id()), self.encode());
        log.info(
            "registered broker {} at {}:{}, broker epoch {}",
            self.id(),
            self.host(),
            self.port(),
            stat.getCzxid());
        return stat.getCzxid();
      } catch (KeeperException.NodeExistsException e) {
        // A create retried after a connection loss finds the node its first attempt made: this
        // session's own registration (as Kafka's checked ephemeral create accepts it).
        Stat existing = client.checkExists().forPath(ZkPaths.broker(self.id()));
        if (existing != null
            && existing.getEphemeralOwner()
                == client.getZookeeperClient().getZooKeeper().getSessionId()) {
          log.info(
              "registered broker {} at {}:{}, broker epoch {} (create retried)",
              self.id(),
              self.host(),
              self.port(),
              existing.getCzxid());
          return existing.getCzxid();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "broker.id " + self.id() + " is already registered by a live broker");
        }
        log.info("broker id {} still registered by an earlier session, waiting", self.id());
        Thread.sleep(500);
      }
    }
  }

  /** Creates a topic atomically; throws {@link TopicExistsException} if it exists. */
  public void createTopic(
      String name, TopicAssignment assignment, Map<String, String> configs, int controllerEpoch)
      throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(client.transactionOp().create().forPath(ZkPaths.topic(name), assignment.encode()));
    ops.add(client.transactionOp().create().forPath(ZkPaths.partitions(name)));
    addPartitionOps(ops, name, assignment.replicas(), controllerEpoch);
    ops.add(
        client
            .transactionOp()
            .create()
            .forPath(ZkPaths.topicConfig(name), ZnodeText.encode(configs)));
    try {
      client.transaction().forOperations(ops);
    } catch (KeeperException.NodeExistsException e) {
      throw new TopicExistsException("Topic '" + name + "' already exists.");
    }
    log.info(
        "created topic {} ({}) with {} partitions",
        name,
        assignment.topicId(),
        assignment.replicas().size());
  }

  private void addPartitionOps(
      List<CuratorOp> ops, String topic, Map<Integer, List<Integer>> replicas, int ctrlEpoch)
      throws Exception {
    java.util.Set<Integer> live = image.brokers().keySet();
    for (var e : replicas.entrySet()) {
      PartitionState state = PartitionStateMachine.initial(e.getValue(), live, ctrlEpoch);
      ops.add(client.transactionOp().create().forPath(ZkPaths.partition(topic, e.getKey())));
      ops.add(
          client
              .transactionOp()
              .create()
              .forPath(ZkPaths.partitionState(topic, e.getKey()), state.encode()));
    }
  }

  /** Adds partitions to a topic: new assignment and states in one multi-op guarded by version. */
  public void addPartitions(String name, Map<Integer, List<Integer>> added, int controllerEpoch)
      throws Exception {
    Stat stat = new Stat();
    byte[] data;
    try {
      data = client.getData().storingStatIn(stat).forPath(ZkPaths.topic(name));
    } catch (KeeperException.NoNodeException e) {
      throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
    }
    TopicAssignment current = TopicAssignment.decode(data);
    Map<Integer, List<Integer>> all = new TreeMap<>(current.replicas());
    all.putAll(added);
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        client
            .transactionOp()
            .setData()
            .withVersion(stat.getVersion())
            .forPath(ZkPaths.topic(name), new TopicAssignment(current.topicId(), all).encode()));
    addPartitionOps(ops, name, added, controllerEpoch);
    client.transaction().forOperations(ops);
    log.info("topic {} grown to {} partitions", name, all.size());
  }

  private static Set<Uuid> deletedIds(byte[] data) {
    String ids = ZnodeText.decode(data).getOrDefault("topic_ids", "");
    return ids.isEmpty()
        ? Set.of()
        : Arrays.stream(ids.split(",")).map(Uuid::fromString).collect(Collectors.toSet());
  }

  /**
   * Deletes a topic and, in the same multi-op, records its id under {@link ZkPaths#deletedTopic}:
   * the positive signal on which every broker deletes its logs of that topic (a topic merely
   * missing from the coordinator never is one). The record outlives the topic so a broker that was
   * down meanwhile still learns of the deletion.
   */
  public void deleteTopic(String name) throws Exception {
    TopicAssignment current;
    try {
      current = TopicAssignment.decode(client.getData().forPath(ZkPaths.topic(name)));
    } catch (KeeperException.NoNodeException e) {
      throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
    }
    Stat markerStat = client.checkExists().forPath(ZkPaths.deletedTopic(name));
    Set<Uuid> ids = new java.util.TreeSet<>(Comparator.comparing(Uuid::toString));
    if (markerStat != null) {
      ids.addAll(deletedIds(client.getData().forPath(ZkPaths.deletedTopic(name))));
    }
    ids.add(current.topicId());
    byte[] marker =
        ZnodeText.encode(
            Map.of("topic_ids", String.join(",", ids.stream().map(Uuid::toString).toList())));
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        markerStat == null
            ? client.transactionOp().create().forPath(ZkPaths.deletedTopic(name), marker)
            : client
                .transactionOp()
                .setData()
                .withVersion(markerStat.getVersion())
                .forPath(ZkPaths.deletedTopic(name), marker));
    for (String child : subtree(ZkPaths.topic(name))) {
      ops.add(client.transactionOp().delete().forPath(child));
    }
    if (client.checkExists().forPath(ZkPaths.topicConfig(name)) != null) {
      ops.add(client.transactionOp().delete().forPath(ZkPaths.topicConfig(name)));
    }
    try {
      client.transaction().forOperations(ops);
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
    }
    log.info("deleted topic {} ({})", name, current.topicId());
  }

  /** Every znode under and including {@code root}, children before their parents. */
  private List<String> subtree(String root) throws Exception {
    List<String> out = new ArrayList<>();
    for (String child : client.getChildren().forPath(root)) {
      out.addAll(subtree(root + "/" + child));
    }
    out.add(root);
    return out;
  }

  /** Replaces a topic's config overrides. */
  public void setTopicConfig(String name, Map<String, String> configs) throws Exception {
    writeConfig(ZkPaths.topicConfig(name), configs);
    log.info("topic {} config set to {}", name, configs);
  }

  /** Replaces the dynamic configs of a broker id or of {@link ZkPaths#DEFAULT_BROKER}. */
  public void setBrokerConfig(String entity, Map<String, String> configs) throws Exception {
    writeConfig(ZkPaths.brokerConfig(entity), configs);
    log.info("dynamic broker config of {} set to {}", entity, configs);
  }

  private void writeConfig(String path, Map<String, String> configs) throws Exception {
    byte[] data = ZnodeText.encode(configs);
    try {
      client.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      client.create().creatingParentsIfNeeded().forPath(path, data);
    }
  }

  /**
   * Writes a partition state if it is still at {@code expectedVersion}, and, for the controller,
   * only while {@code /controller_epoch} is at {@code controllerEpochVersion} (a deposed
   * controller's write fails; -1 skips that check, for a leader's ISR change). Returns the new
   * version, or -1 when the state or the controller epoch moved on.
   */
  public int writePartitionState(
      String topic,
      int partition,
      PartitionState state,
      int expectedVersion,
      int controllerEpochVersion)
      throws Exception {
    List<CuratorOp> ops = new ArrayList<>();
    if (controllerEpochVersion >= 0) {
      ops.add(
          client
              .transactionOp()
              .check()
              .withVersion(controllerEpochVersion)
              .forPath(ZkPaths.CONTROLLER_EPOCH));
    }
    ops.add(
        client
            .transactionOp()
            .setData()
            .withVersion(expectedVersion)
            .forPath(ZkPaths.partitionState(topic, partition), state.encode()));
    try {
      var results = client.transaction().forOperations(ops);
      return results.get(results.size() - 1).getResultStat().getVersion();
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return -1;
    }
  }

  /** Starts (or replaces the target of) a partition reassignment. */
  public void writeReassignment(String topic, int partition, Reassignment r) throws Exception {
    String path = ZkPaths.reassignment(topic, partition);
    try {
      client.setData().forPath(path, r.encode());
    } catch (KeeperException.NoNodeException e) {
      client.create().creatingParentsIfNeeded().forPath(path, r.encode());
    }
    log.info(
        "{}-{}: reassignment to {} (from {}) requested",
        topic,
        partition,
        r.target(),
        r.original());
  }

  /**
   * One step of a reassignment, in one multi-op guarded by the topic's and the state's versions and
   * the controller epoch: the partition's replica list becomes {@code replicas}, its state {@code
   * state}, and with {@code finished} the reassignment znode goes. Returns false when anything
   * moved on meanwhile (the next metadata brings it).
   */
  public boolean writeReassignmentStep(
      String topic,
      int partition,
      List<Integer> replicas,
      PartitionState state,
      int stateVersion,
      int controllerEpochVersion,
      boolean finished)
      throws Exception {
    Stat topicStat = new Stat();
    TopicAssignment current;
    try {
      current =
          TopicAssignment.decode(
              client.getData().storingStatIn(topicStat).forPath(ZkPaths.topic(topic)));
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    Map<Integer, List<Integer>> all = new TreeMap<>(current.replicas());
    all.put(partition, replicas);
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        client
            .transactionOp()
            .check()
            .withVersion(controllerEpochVersion)
            .forPath(ZkPaths.CONTROLLER_EPOCH));
    ops.add(
        client
            .transactionOp()
            .setData()
            .withVersion(topicStat.getVersion())
            .forPath(ZkPaths.topic(topic), new TopicAssignment(current.topicId(), all).encode()));
    ops.add(
        client
            .transactionOp()
            .setData()
            .withVersion(stateVersion)
            .forPath(ZkPaths.partitionState(topic, partition), state.encode()));
    if (finished) {
      ops.add(client.transactionOp().delete().forPath(ZkPaths.reassignment(topic, partition)));
    }
    try {
      client.transaction().forOperations(ops);
      return true;
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    }
  }

  /** Claims the next block of producer ids; returns its first id. */
  public long allocateProducerIdBlock() throws Exception {
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = client.getData().storingStatIn(stat).forPath(ZkPaths.PRODUCER_ID_BLOCK);
      } catch (KeeperException.NoNodeException e) {
        try {
          client
              .create()
              .forPath(
                  ZkPaths.PRODUCER_ID_BLOCK,
                  ("" + PRODUCER_ID_BLOCK_SIZE).getBytes(StandardCharsets.UTF_8));
          return 0;
        } catch (KeeperException.NodeExistsException raced) {
          continue;
        }
      }
      long start = Long.parseLong(new String(data, StandardCharsets.UTF_8).trim());
      try {
        client
            .setData()
            .withVersion(stat.getVersion())
            .forPath(
                ZkPaths.PRODUCER_ID_BLOCK,
                ("" + (start + PRODUCER_ID_BLOCK_SIZE)).getBytes(StandardCharsets.UTF_8));
        return start;
      } catch (KeeperException.BadVersionException raced) {
        // another broker took this block; read again
      }
    }
  }

  /** The controller epoch currently stored, if any. */
  public Optional<Integer> controllerEpoch() throws Exception {
    try {
      byte[] d = client.getData().forPath(ZkPaths.CONTROLLER_EPOCH);
      return Optional.of(Integer.parseInt(new String(d, StandardCharsets.UTF_8).trim()));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    for (CuratorCache c : caches) {
      c.close();
    }
    client.close();
    events.shutdownNow();
  }
}
