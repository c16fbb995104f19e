package dev.cairn.broker;

import dev.cairn.broker.api.AclHandlers;
import dev.cairn.broker.api.ApiTable;
import dev.cairn.broker.api.ApiVersionsHandler;
import dev.cairn.broker.api.ConfigHandlers;
import dev.cairn.broker.api.CreatePartitionsHandler;
import dev.cairn.broker.api.CreateTopicsHandler;
import dev.cairn.broker.api.DeleteRecordsHandler;
import dev.cairn.broker.api.DeleteTopicsHandler;
import dev.cairn.broker.api.DescribeClusterHandler;
import dev.cairn.broker.api.DescribeLogDirsHandler;
import dev.cairn.broker.api.ElectLeadersHandler;
import dev.cairn.broker.api.FetchHandler;
import dev.cairn.broker.api.FindCoordinatorHandler;
import dev.cairn.broker.api.GroupHandlers;
import dev.cairn.broker.api.InitProducerIdHandler;
import dev.cairn.broker.api.ListOffsetsHandler;
import dev.cairn.broker.api.MetadataHandler;
import dev.cairn.broker.api.OffsetForLeaderEpochHandler;
import dev.cairn.broker.api.OffsetHandlers;
import dev.cairn.broker.api.ProduceHandler;
import dev.cairn.broker.api.ReassignmentHandlers;
import dev.cairn.broker.api.TxnAdminHandlers;
import dev.cairn.broker.api.TxnHandlers;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.Listener;
import dev.cairn.broker.config.LiveBrokerConfig;
import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.log.FileSync;
import dev.cairn.broker.log.LogConfig;
import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.ClusterMetadata;
import dev.cairn.broker.metadata.Controller;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.network.KafkaFrameDecoder;
import dev.cairn.broker.network.RequestChannelHandler;
import dev.cairn.broker.producer.ProducerIdManager;
import dev.cairn.broker.replication.ReplicaFetcher;
import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.server.FetchSessionCache;
import dev.cairn.broker.server.OffsetMetrics;
import dev.cairn.broker.server.Purgatory;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.server.TopicAdmin;
import dev.cairn.broker.txn.TransactionCoordinator;
import dev.cairn.broker.txn.TxnMarkerWriter;
import dev.cairn.broker.txn.TxnVerifier;
import dev.cairn.common.admin.AdminServer;
import dev.cairn.common.admin.Metrics;
import dev.cairn.common.engine.Engine;
import dev.cairn.common.net.NettyServer;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import dev.cairn.coord.FatalHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker process: loads the logs, joins the cluster through the coordinator (registration,
 * controller election, metadata caches), serves the Kafka protocol on its listeners and metrics and
 * probes on the admin port. Ready once the logs are loaded, the broker is registered and the
 * metadata image is loaded.
 *
 * <p>Stop order: hand every leadership to another in-sync replica (controlled shutdown, so a
 * rolling restart leaves no partition without a leader), stop accepting and drain requests, leave
 * the cluster (session closed, so the registration and any controller znode vanish at once), then
 * flush and close every log and mark the log dirs clean.
 */
public final class BrokerEngine implements Engine {
  private static final Logger log = LoggerFactory.getLogger(BrokerEngine.class);
  private static final String CLUSTER_ID_PATH = "/cluster/id";
  static final String EMBEDDED_COORDINATOR_DIR = "__cairn_coordinator";

  /** How long a stopping broker waits for its leaderships to move to other in-sync replicas. */
  private static final Duration CONTROLLED_SHUTDOWN_WAIT = Duration.ofSeconds(15);

  private final BrokerConfig config;
  private final FileSync sync;
  private final FatalHandler fatal;
  private final PrometheusMeterRegistry registry = Metrics.prometheus("broker");
  private volatile boolean ready;
  private volatile boolean stopped;
  private NettyServer server;
  private AdminServer admin;
  private LogManager logs;
  private ClusterMetadata metadata;
  private ReplicaManager replicaManager;
  private ExecutorService requestExecutor;
  private ScheduledExecutorService scheduler;
  private ScheduledExecutorService txnExecutor;
  private ExecutorService txnRequests;
  private InetSocketAddress boundAddress;
  private CoordinatorEngine coordinator;

  public BrokerEngine(BrokerConfig config) {
    this(config, FileSync.FORCE, FatalHandler.HALT);
  }

  /**
   * A broker whose segments are made durable by {@code sync} and whose fatal failures (every log
   * dir offline) go to {@code fatal} instead of halting the JVM.
   */
  public BrokerEngine(BrokerConfig config, FileSync sync, FatalHandler fatal) {
    this.config = config;
    this.sync = sync;
    this.fatal = fatal;
  }

  @Override
  public String name() {
    return "broker";
  }

  @Override
  public void start() throws Exception {
    String connect = config.get(BrokerConfig.ZOOKEEPER_CONNECT);
    if (connect == null) {
      connect = startEmbeddedCoordinator();
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(daemon("broker-scheduler"));
    AtomicInteger n = new AtomicInteger();
    requestExecutor =
        Executors.newFixedThreadPool(
            config.get(BrokerConfig.NUM_IO_THREADS),
            r -> daemon("broker-request-" + n.incrementAndGet()).newThread(r));

    metadata =
        new ClusterMetadata(
            connect,
            config.get(BrokerConfig.ZOOKEEPER_SESSION_TIMEOUT_MS),
            config.get(BrokerConfig.ZOOKEEPER_CONNECTION_TIMEOUT_MS));
    LiveBrokerConfig live = new LiveBrokerConfig(config);
    // First listener: logs reconfigure from the image's dynamic broker configs.
    metadata.addListener(image -> live.update(image.brokerConfigs()));
    logs =
        new LogManager(
            config.logDirs(),
            topic -> {
              MetadataImage.TopicImage t = metadata.latest().topic(topic);
              return LogConfig.of(live.layers().effective(), t == null ? Map.of() : t.configs());
            },
            System::currentTimeMillis,
            sync);
    logs.onDirOffline((dir, partitions) -> {
      if (logs.onlineDirs().isEmpty()) {
        everyLogDirOffline();
      }
    });
    logs.loadAll();
    logs.startBackgroundTasks(
        scheduler,
        config.get(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS),
        config.get(BrokerConfig.LOG_CLEANER_ENABLE)
            ? config.get(BrokerConfig.LOG_CLEANER_BACKOFF_MS)
            : 0,
        config.get(BrokerConfig.REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS),
        config.get(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS),
        () -> live.layers().effective().get(BrokerConfig.PRODUCER_ID_EXPIRATION_MS));

    Duration connectTimeout =
        Duration.ofMillis(config.get(BrokerConfig.ZOOKEEPER_CONNECTION_TIMEOUT_MS));
    metadata.start(connectTimeout);
    String clusterId = clusterId();
    Controller controller =
        new Controller(
            metadata, config.brokerId(), config.get(BrokerConfig.UNCLEAN_LEADER_ELECTION));
    Listener own = config.listeners().get(0);
    long lagMaxMs = config.get(BrokerConfig.REPLICA_LAG_TIME_MAX_MS);
    ReplicaManager replicas =
        new ReplicaManager(
            config.brokerId(),
            logs,
            (tp, state, version) ->
                metadata.writePartitionState(tp.topic(), tp.partition(), state, version, -1),
            new ReplicaFetcher.Settings(
                config.brokerId(),
                own.host().isEmpty() ? null : InetAddress.getByName(own.host()),
                config.get(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS),
                config.get(BrokerConfig.REPLICA_FETCH_MIN_BYTES),
                config.get(BrokerConfig.REPLICA_FETCH_RESPONSE_MAX_BYTES),
                config.get(BrokerConfig.REPLICA_FETCH_MAX_BYTES),
                config.get(BrokerConfig.REPLICA_SOCKET_TIMEOUT_MS),
                config.get(BrokerConfig.REPLICA_FETCH_BACKOFF_MS)),
            lagMaxMs);
    replicas.startReplication(scheduler, Math.max(100, lagMaxMs / 2));
    replicaManager = replicas;
    Purgatory fetches = new Purgatory(scheduler, requestExecutor);
    replicas.onAppend(fetches::onEvent);
    Purgatory produces = new Purgatory(scheduler, requestExecutor);
    replicas.onHighWatermarkChange(produces::onEvent);
    BrokerContext ctx =
        new BrokerContext(
            config,
            live,
            clusterId,
            metadata,
            controller,
            replicas,
            new TopicAdmin(config, metadata, controller),
            fetches,
            produces,
            new FetchSessionCache(1000),
            new ProducerIdManager(
                metadata::allocateProducerIdBlock, ClusterMetadata.PRODUCER_ID_BLOCK_SIZE));

    GroupCoordinator groups =
        new GroupCoordinator(
            config, replicas, ctx.acksAll(), ctx.topics(), System::currentTimeMillis);
    groups.start(scheduler);
    TxnMarkerWriter markers =
        new TxnMarkerWriter(
            replicas,
            ctx.acksAll(),
            groups,
            System::currentTimeMillis,
            config.get(BrokerConfig.REPLICA_SOCKET_TIMEOUT_MS));
    TransactionCoordinator txns =
        new TransactionCoordinator(
            config,
            replicas,
            ctx.acksAll(),
            ctx.topics(),
            ctx.producerIds(),
            markers,
            System::currentTimeMillis);
    txnExecutor = Executors.newSingleThreadScheduledExecutor(daemon("broker-txn-coordinator"));
    txns.start(txnExecutor);
    // The transaction coordinator's requests wait for replication: on threads of their own, so
    // the request threads stay free for the follower fetches that advance high watermarks.
    AtomicInteger txnThreads = new AtomicInteger();
    txnRequests =
        Executors.newFixedThreadPool(
            config.get(BrokerConfig.NUM_IO_THREADS),
            r -> daemon("broker-txn-request-" + txnThreads.incrementAndGet()).newThread(r));
    TxnHandlers txnApis = new TxnHandlers(txns, groups, replicas, markers, txnRequests);
    TxnAdminHandlers txnAdmin = new TxnAdminHandlers(txns, replicas);
    TxnVerifier txnVerifier =
        new TxnVerifier(replicas, txns, config.get(BrokerConfig.REPLICA_SOCKET_TIMEOUT_MS));
    GroupHandlers groupApis = new GroupHandlers(groups);
    OffsetHandlers offsetApis =
        new OffsetHandlers(groups, topic -> metadata.image().topic(topic) != null);
    ConfigHandlers configApis = new ConfigHandlers(ctx);
    ReassignmentHandlers reassignments = new ReassignmentHandlers(ctx);
    ApiTable apis = new ApiTable();
    apis.add(ApiKeys.API_VERSIONS, 4, new ApiVersionsHandler(apis))
        .add(ApiKeys.METADATA, 12, new MetadataHandler(ctx))
        .add(ApiKeys.PRODUCE, 12, new ProduceHandler(ctx, txnVerifier, registry))
        .add(ApiKeys.FETCH, 12, new FetchHandler(ctx, registry))
        .add(ApiKeys.LIST_OFFSETS, 8, new ListOffsetsHandler(ctx))
        .add(ApiKeys.CREATE_TOPICS, 7, new CreateTopicsHandler(ctx))
        .add(ApiKeys.DELETE_TOPICS, 6, new DeleteTopicsHandler(ctx))
        .add(ApiKeys.CREATE_PARTITIONS, 3, new CreatePartitionsHandler(ctx))
        .add(ApiKeys.INIT_PRODUCER_ID, 5, new InitProducerIdHandler(ctx, txns, txnRequests))
        .add(ApiKeys.DESCRIBE_CLUSTER, 1, new DescribeClusterHandler(ctx))
        .add(ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorHandler(groups, txns))
        .add(ApiKeys.JOIN_GROUP, 9, groupApis.join())
        .add(ApiKeys.SYNC_GROUP, 5, groupApis.sync())
        .add(ApiKeys.HEARTBEAT, 4, groupApis.heartbeat())
        .add(ApiKeys.LEAVE_GROUP, 5, groupApis.leave())
        .add(ApiKeys.LIST_GROUPS, 5, groupApis.list())
        .add(ApiKeys.DESCRIBE_GROUPS, 6, groupApis.describe())
        .add(ApiKeys.DELETE_GROUPS, 2, groupApis.delete())
        .add(ApiKeys.OFFSET_COMMIT, 8, offsetApis.commit())
        .add(ApiKeys.OFFSET_FETCH, 8, offsetApis.fetch())
        .add(ApiKeys.OFFSET_DELETE, 0, offsetApis.delete())
        .add(ApiKeys.DESCRIBE_CONFIGS, 4, configApis.describe())
        .add(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1, configApis.incrementalAlter())
        .add(ApiKeys.ALTER_CONFIGS, 2, configApis.alter())
        .add(ApiKeys.DELETE_RECORDS, 2, new DeleteRecordsHandler(ctx))
        .add(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 4, new OffsetForLeaderEpochHandler(ctx))
        .add(ApiKeys.ELECT_LEADERS, 2, new ElectLeadersHandler(ctx))
        .add(ApiKeys.DESCRIBE_LOG_DIRS, 4, new DescribeLogDirsHandler(ctx))
        .add(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 1, reassignments.alter())
        .add(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, reassignments.list())
        .add(ApiKeys.ADD_PARTITIONS_TO_TXN, 5, txnApis.addPartitions())
        .add(ApiKeys.ADD_OFFSETS_TO_TXN, 4, txnApis.addOffsets())
        .add(ApiKeys.TXN_OFFSET_COMMIT, 4, txnApis.offsetCommit())
        .add(ApiKeys.END_TXN, 4, txnApis.end())
        .add(ApiKeys.WRITE_TXN_MARKERS, 1, txnApis.writeMarkers())
        .add(ApiKeys.LIST_TRANSACTIONS, 2, txnAdmin.list())
        .add(ApiKeys.DESCRIBE_TRANSACTIONS, 0, txnAdmin.describe())
        .add(ApiKeys.DESCRIBE_PRODUCERS, 0, txnAdmin.describeProducers())
        .add(ApiKeys.DESCRIBE_ACLS, 3, AclHandlers.describe())
        .add(ApiKeys.CREATE_ACLS, 3, AclHandlers.create())
        .add(ApiKeys.DELETE_ACLS, 3, AclHandlers.delete());

    server = new NettyServer("broker", config.get(BrokerConfig.NUM_NETWORK_THREADS));
    int maxFrame = config.get(BrokerConfig.SOCKET_REQUEST_MAX_BYTES);
    Listener listener = config.listeners().get(0);
    InetSocketAddress bind =
        listener.host().isEmpty()
            ? new InetSocketAddress(listener.port())
            : new InetSocketAddress(listener.host(), listener.port());
    boundAddress =
        server.listen(
            bind,
            config.get(BrokerConfig.SOCKET_RECEIVE_BUFFER),
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                int sendBuffer = config.get(BrokerConfig.SOCKET_SEND_BUFFER);
                if (sendBuffer > 0) {
                  // As Kafka: -1 leaves the kernel's default and its autotuning.
                  ch.config().setOption(ChannelOption.SO_SNDBUF, sendBuffer);
                }
                ch.pipeline()
                    .addLast(new KafkaFrameDecoder(maxFrame))
                    .addLast(
                        new RequestChannelHandler(
                            apis, requestExecutor, server.inFlight(), registry))
                    .addLast(NettyServer.closeOnError("broker"));
              }
            });
    server.bindMetrics(registry);
    bindMetrics(replicas, ctx);
    OffsetMetrics.register(registry.getPrometheusRegistry(), replicas, groups);

    Listener adv = config.advertisedListeners().get(0);
    String host =
        adv.host().isEmpty() ? InetAddress.getLocalHost().getCanonicalHostName() : adv.host();
    int port = adv.port() == 0 ? boundAddress.getPort() : adv.port();
    metadata.addListener(replicas);
    metadata.onRegistered(brokerEpoch -> {
      replicas.registered(brokerEpoch);
      replicas.accept(metadata.image());
    });
    metadata.registerBroker(
        new BrokerInfo(config.brokerId(), host, port, config.get(BrokerConfig.BROKER_RACK)),
        Duration.ofMillis(2L * config.get(BrokerConfig.ZOOKEEPER_SESSION_TIMEOUT_MS)));
    controller.start();
    if (config.get(BrokerConfig.AUTO_LEADER_REBALANCE_ENABLE)) {
      long interval = config.get(BrokerConfig.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1000L;
      int percentage = config.get(BrokerConfig.LEADER_IMBALANCE_PER_BROKER_PERCENTAGE);
      scheduler.scheduleWithFixedDelay(
          () -> controller.rebalanceLeaders(percentage), interval, interval, TimeUnit.MILLISECONDS);
    }

    admin =
        AdminServer.start(
            "broker",
            new InetSocketAddress(
                config.get(BrokerConfig.ADMIN_HOST), config.get(BrokerConfig.ADMIN_PORT)),
            registry,
            this::ready);
    metadata.when(i -> i.brokers().containsKey(config.brokerId()), connectTimeout).get();
    ready = true;
    log.info(
        "broker {} ready on {} (advertised {}:{}), cluster {}",
        config.brokerId(),
        boundAddress,
        host,
        port,
        clusterId);
  }

  /**
   * As Kafka: with no log dir left the broker cannot serve or recover anything, so it stops being
   * ready, says so in one line and hands over to the fatal handler (production halts: the restart
   * recovers the dirs or fails naming them). Should the handler return (tests), the broker stops,
   * leaving the cluster.
   */
  private void everyLogDirOffline() {
    ready = false;
    String reason = "every log dir (" + config.logDirs() + ") is offline";
    log.error(
        "broker {} stops, exit status {}: {}", config.brokerId(), FatalHandler.EXIT_STATUS, reason);
    fatal.fatal(reason);
    // Not on the failing request thread: stopping waits for in-flight requests.
    Thread t = new Thread(() -> stop(Duration.ZERO), "broker-fatal-stop");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Single-node mode: a cairn coordinator in this process on a free loopback port, its data in
   * {@value #EMBEDDED_COORDINATOR_DIR} under the first log dir (not a partition directory name, so
   * the log manager ignores it).
   */
  private String startEmbeddedCoordinator() throws Exception {
    Path dataDir = config.logDirs().get(0).resolve(EMBEDDED_COORDINATOR_DIR);
    Files.createDirectories(dataDir);
    coordinator =
        new CoordinatorEngine(
            CoordinatorConfig.builder(dataDir)
                .clientPortAddress("127.0.0.1")
                .clientPort(0)
                .adminEnabled(false)
                .build());
    coordinator.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!coordinator.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("embedded coordinator not ready after 30 s");
      }
      Thread.sleep(10);
    }
    log.info("embedded coordinator on {}", coordinator.connectString());
    return coordinator.connectString();
  }

  private String clusterId() throws Exception {
    try {
      metadata
          .client()
          .create()
          .creatingParentsIfNeeded()
          .forPath(CLUSTER_ID_PATH, Uuid.randomUuid().toString().getBytes(StandardCharsets.UTF_8));
    } catch (KeeperException.NodeExistsException e) {
      // set by the first broker of the cluster
    }
    return new String(metadata.client().getData().forPath(CLUSTER_ID_PATH), StandardCharsets.UTF_8);
  }

  private void bindMetrics(ReplicaManager replicas, BrokerContext ctx) {
    Gauge.builder("cairn_broker_leader_partitions", replicas, ReplicaManager::leaderCount)
        .register(registry);
    Gauge.builder(
            "cairn_broker_log_bytes", logs, l -> l.all().stream().mapToLong(UnifiedLog::size).sum())
        .register(registry);
    Gauge.builder("cairn_broker_offline_partitions", replicas, r -> r.image().offlinePartitions())
        .description("Partitions without a leader, as this broker's metadata image says")
        .register(registry);
    Gauge.builder(
            "cairn_broker_under_replicated_partitions",
            replicas,
            r -> r.image().underReplicatedLedBy(r.brokerId()))
        .description("Partitions this broker leads whose ISR is smaller than their replicas")
        .register(registry);
    Gauge.builder(
            "cairn_broker_replica_fetcher_failed_partitions",
            replicas,
            ReplicaManager::failedPartitions)
        .description("Partitions a follower stopped fetching on an error it could not apply")
        .register(registry);
    Gauge.builder(
            "cairn_broker_offline_log_dirs", logs, l -> l.dirs().size() - l.onlineDirs().size())
        .description("Log dirs taken offline by a disk error")
        .register(registry);
    Gauge.builder("cairn_broker_connections", server, NettyServer::connectionCount)
        .register(registry);
    Gauge.builder("cairn_broker_fetch_waiting", ctx.fetchPurgatory(), Purgatory::waiting)
        .register(registry);
    Gauge.builder("cairn_broker_produce_waiting", ctx.producePurgatory(), Purgatory::waiting)
        .description("acks=all produces waiting for the ISR to hold their records")
        .register(registry);
    Gauge.builder("cairn_broker_fetch_sessions", ctx.fetchSessions(), FetchSessionCache::size)
        .register(registry);
    FunctionCounter.builder("cairn_broker_isr_shrinks", replicas, ReplicaManager::isrShrinks)
        .description("ISR changes written by this broker's leaders that removed a replica")
        .register(registry);
    FunctionCounter.builder("cairn_broker_isr_expands", replicas, ReplicaManager::isrExpands)
        .description("ISR changes written by this broker's leaders that added a replica")
        .register(registry);
  }

  /** The address the Kafka listener is bound to (its port when configured as 0). */
  public InetSocketAddress boundAddress() {
    return boundAddress;
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  public LogManager logManager() {
    return logs;
  }

  public ClusterMetadata clusterMetadata() {
    return metadata;
  }

  @Override
  public boolean ready() {
    return ready && !stopped;
  }

  @Override
  public synchronized void stop(Duration drain) {
    if (stopped) {
      return;
    }
    boolean wasServing = ready;
    stopped = true;
    ready = false;
    if (wasServing
        && replicaManager != null
        && config.get(BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE)) {
      if (metadata.client().getZookeeperClient().isConnected()) {
        replicaManager.handOverLeaderships(CONTROLLED_SHUTDOWN_WAIT);
      } else {
        // Each hand-over is a coordinator write that would retry until the coordinator is back:
        // the stop must not wait on it. The controller moves the leaderships once this broker's
        // session expires.
        log.warn(
            "broker {}: coordinator unreachable, stopping without handing leaderships over",
            config.brokerId());
      }
    }
    if (server != null) {
      server.shutdown(drain);
    }
    if (replicaManager != null) {
      replicaManager.shutdown();
    }
    if (metadata != null) {
      metadata.close();
    }
    if (coordinator != null) {
      coordinator.stop(drain);
    }
    if (requestExecutor != null) {
      requestExecutor.shutdownNow();
    }
    if (txnRequests != null) {
      txnRequests.shutdownNow();
    }
    if (txnExecutor != null) {
      txnExecutor.shutdownNow();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (logs != null) {
      try {
        logs.close();
      } catch (Exception e) {
        log.error("closing logs failed; next start recovers them", e);
      }
    }
    if (admin != null) {
      admin.close();
    }
    registry.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
