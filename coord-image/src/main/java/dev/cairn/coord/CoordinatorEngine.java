package dev.cairn.coord;

import dev.cairn.common.admin.AdminServer;
import dev.cairn.common.admin.Metrics;
import dev.cairn.common.engine.Engine;
import dev.cairn.common.net.NettyServer;
import dev.cairn.coord.net.ClientConnection;
import dev.cairn.coord.net.ClientPipeline;
import dev.cairn.coord.net.Connections;
import dev.cairn.coord.net.ServerContext;
import dev.cairn.coord.persist.Recovery;
import dev.cairn.coord.persist.Snapshots;
import dev.cairn.coord.persist.Snapshotter;
import dev.cairn.coord.persist.TxnLog;
import dev.cairn.coord.persist.ZkSnapshotTransfer;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.quorum.EnsembleConfig;
import dev.cairn.coord.quorum.Membership;
import dev.cairn.coord.quorum.QuorumConfig;
import dev.cairn.coord.quorum.QuorumDriver;
import dev.cairn.coord.quorum.QuorumPeer;
import dev.cairn.coord.server.ContainerReaper;
import dev.cairn.coord.server.EnsembleFront;
import dev.cairn.coord.server.FinalProcessor;
import dev.cairn.coord.server.PrepProcessor;
import dev.cairn.coord.server.Reconfiguration;
import dev.cairn.coord.server.Request;
import dev.cairn.coord.server.RequestProcessor;
import dev.cairn.coord.server.ServerStats;
import dev.cairn.coord.server.SyncProcessor;
import dev.cairn.coord.session.Session;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: a standalone ZooKeeper-protocol server. Start-up recovers the tree and sessions
 * from {@code dataDir}/{@code dataLogDir}, starts the request pipeline (prep → sync → final), the
 * session expiry clock, the client listener and the admin HTTP port.
 *
 * <p>Embeddable: build a {@link CoordinatorConfig} in code (port 0 picks a free port), {@link
 * #start}, then read {@link #clientPort()} / {@link #connectString()}. Stopping is graceful:
 * listeners close, in-flight requests drain, the pipeline finishes what it queued and the log is
 * closed.
 */
public final class CoordinatorEngine implements Engine {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorEngine.class);
  private static final List<Id> SERVER_AUTH = List.of(new Id("super", "cairn-coord"));

  /** ZooKeeper's FastLeaderElection finalizeWait. */
  private static final long FINALIZE_WAIT_MILLIS = 200;

  private final CoordinatorConfig config;
  private final FatalHandler fatal;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final ServerStats stats = new ServerStats();
  private volatile boolean ready;
  private volatile boolean stopped;
  private NettyServer netty;
  private AdminServer admin;
  private PrometheusMeterRegistry registry;
  private SessionTracker sessions;
  private TxnLog txnLog;
  private Snapshotter snapshotter;
  private PrepProcessor prep;
  private SyncProcessor sync;
  private RequestProcessor pipeline;
  private EnsembleConfig ensemble;
  private DynamicConfigFiles dynamicFiles;
  private EnsembleFront front;
  private volatile QuorumDriver driver;
  private Connections connections;
  private FinalProcessor finalStage;
  private DataTree tree;
  private ContainerReaper reaper;
  private InetSocketAddress clientAddress;
  private Timer latency;
  private final Map<OpCode, Counter> requests = new EnumMap<>(OpCode.class);

  public CoordinatorEngine(CoordinatorConfig config) {
    this(config, FatalHandler.HALT);
  }

  /** An engine whose pipeline failures go to {@code fatal} instead of halting the JVM. */
  public CoordinatorEngine(CoordinatorConfig config, FatalHandler fatal) {
    this.config = config;
    this.fatal = fatal;
  }

  public CoordinatorConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "coord";
  }

  @Override
  public synchronized void start() throws Exception {
    ensemble =
        EnsembleConfig.read(
            config.servers(), config.serversVersion(), config.dataDir(), System.getenv());
    long lastZxid;
    if (ensemble == null) {
      Recovery recovered =
          Recovery.run(config.dataDir(), config.dataLogDir(), config.juteMaxBuffer());
      tree = recovered.tree();
      sessions = new SessionTracker(config.tickTime(), 0, System::currentTimeMillis);
      recovered.sessions().forEach(sessions::add);
      snapshotter = new Snapshotter(config.dataDir(), config.dataLogDir(), tree, sessions);
      if (!recovered.hadSnapshot() || recovered.replayed() > 0) {
        snapshotter.takeNow();
      }
      txnLog = new TxnLog(config.dataLogDir(), config.forceSync());
      txnLog.roll(recovered.lastZxid() + 1);
      lastZxid = recovered.lastZxid();
    } else {
      refuseStandaloneData();
      if (config.configFile() != null) {
        dynamicFiles = new DynamicConfigFiles(config.configFile());
        if (config.reconfigEnabled() && config.serversVersion() == 0) {
          dynamicFiles.backUpStaticConfig();
        }
      }
      // The quorum log in dataDir is the history; the tree is rebuilt from what the leader
      // says is committed, once this server has joined it.
      tree = new DataTree(config.juteMaxBuffer());
      sessions = new SessionTracker(config.tickTime(), ensemble.myId(), System::currentTimeMillis);
      sessions.expiring(false);
      lastZxid = 0;
    }

    registry = Metrics.prometheus(name());
    latency =
        Timer.builder("cairn.coord.request.latency")
            .description("Time from a request's arrival to its reply")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    Timer fsync =
        Timer.builder("cairn.coord.fsync")
            .description("Duration of one group-commit write + fsync")
            .register(registry);
    DistributionSummary batch =
        DistributionSummary.builder("cairn.coord.fsync.batch.txns")
            .description("Txns made durable by one fsync")
            .register(registry);
    for (OpCode op : OpCode.values()) {
      requests.put(
          op,
          Counter.builder("cairn.coord.requests")
              .description("Requests answered, by op")
              .tag("op", op.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }

    finalStage = new FinalProcessor(tree, sessions, this::answered, this::pipelineFailed);
    if (ensemble == null) {
      sync =
          new SyncProcessor(
              txnLog,
              config.snapCount(),
              zxid -> snapshotter.request(),
              finalStage,
              (n, nanos) -> {
                fsync.record(nanos, TimeUnit.NANOSECONDS);
                batch.record(n);
              },
              this::pipelineFailed);
      prep = newPrep(lastZxid, sync);
      pipeline = prep;
      finalStage.start(prep);
      sync.start();
    } else {
      prep = newPrep(lastZxid, finalStage);
      front =
          new EnsembleFront(
              tree,
              prep,
              finalStage,
              sessions,
              this::answered,
              this::closeClientConnections,
              config.juteMaxBuffer(),
              new Reconfiguration(tree, config.reconfigEnabled(), config.standaloneEnabled()),
              this::storeMembership);
      pipeline = front;
      finalStage.start(prep);
    }
    sessions.start(this::expire, this::pipelineFailed);
    reaper = new ContainerReaper(tree, this::deleteContainer, System::currentTimeMillis);
    reaper.start(config.containerCheckIntervalMs());
    if (snapshotter != null) {
      snapshotter.schedulePurge(config.purgeIntervalHours(), config.snapRetainCount());
    }

    netty = new NettyServer(name(), 0);
    netty.bindMetrics(registry);
    connections = new Connections(config.maxClientCnxns());
    ServerContext context =
        new ServerContext(
            config,
            pipeline,
            sessions,
            tree,
            stats,
            connections,
            netty.inFlight(),
            this::outstandingRequests,
            ensemble == null ? null : this::quorumStatus);
    Gauge.builder("cairn.coord.znodes", tree, DataTree::nodeCount)
        .description("Znodes in the tree")
        .register(registry);
    Gauge.builder("cairn.coord.sessions", sessions, s -> s.sessions().size())
        .description("Live sessions")
        .register(registry);
    Gauge.builder("cairn.coord.watches", tree, t -> t.watches().watchCount())
        .description("Registered watches (path, connection pairs)")
        .register(registry);
    Gauge.builder("cairn.coord.connections", connections, Connections::count)
        .description("Open client connections")
        .register(registry);
    Gauge.builder("cairn.coord.outstanding.requests", this, CoordinatorEngine::outstandingRequests)
        .description("Requests accepted but not yet answered (queued for fsync or reply)")
        .register(registry);
    for (String state : List.of("standalone", "leader", "follower", "observer", "looking")) {
      Gauge.builder("cairn.coord.server.state", this, e -> e.mode().equals(state) ? 1 : 0)
          .description("1 for the mode this server is in (srvr's Mode), 0 for the others")
          .tag("state", state)
          .register(registry);
    }
    Gauge.builder(
            "cairn.coord.synced.followers",
            this,
            e -> e.quorumStatus() == null ? 0 : e.quorumStatus().syncedFollowers())
        .description(
            "Leader: voting followers synced and acknowledging (mntr's zk_synced_followers)")
        .register(registry);
    Gauge.builder("cairn.coord.last.zxid", tree, DataTree::lastProcessedZxid)
        .description("Zxid of the last applied txn")
        .register(registry);
    clientAddress =
        netty.listen(
            new InetSocketAddress(config.clientPortAddress(), config.clientPort()),
            new ClientPipeline(context));
    if (config.adminEnabled()) {
      admin =
          AdminServer.start(
              name(),
              new InetSocketAddress(config.adminAddress(), config.adminPort()),
              registry,
              this::ready);
    }
    if (ensemble != null) {
      QuorumConfig quorum =
          new QuorumConfig(
              ensemble.myId(),
              ensemble.membership(),
              (long) config.initLimit() * config.tickTime(),
              (long) config.syncLimit() * config.tickTime(),
              FINALIZE_WAIT_MILLIS,
              config.snapCount());
      driver =
          new QuorumDriver(
              quorum,
              config.dataDir(),
              front,
              new ZkSnapshotTransfer(config.juteMaxBuffer()),
              this::pipelineFailed);
      front.attach(driver);
    }
    ready = true;
    log.info(
        "coordinator listening on {} at zxid 0x{} ({})",
        clientAddress,
        Long.toHexString(lastZxid),
        ensemble == null
            ? "standalone"
            : "server "
                + ensemble.myId()
                + " of an ensemble of "
                + driver.peerForReading().membership().servers().size());
  }

  /**
   * A dataDir written by a standalone server holds a history the ensemble does not know: joining
   * would serve without it (or, as leader, impose an empty one). Refuse, naming the files; moving
   * standalone data into an ensemble is a migration, not a restart.
   */
  private void refuseStandaloneData() throws IOException {
    List<java.nio.file.Path> standalone =
        new java.util.ArrayList<>(Snapshots.list(config.dataDir()));
    standalone.addAll(
        TxnLog.segments(config.dataLogDir()).stream().map(TxnLog.Segment::path).toList());
    if (!standalone.isEmpty()) {
      throw new IllegalStateException(
          "dataDir "
              + config.dataDir()
              + " holds standalone data ("
              + standalone.get(0).getFileName()
              + (standalone.size() > 1 ? " and " + (standalone.size() - 1) + " more" : "")
              + "): an ensemble member must start from an empty dataDir or its own quorum files");
    }
  }

  /**
   * A committed configuration goes to ZooKeeper's files next to zoo.cfg (when it was read from
   * one). The quorum keeps its own durable copy, so a failure here is logged, not fatal.
   */
  private void storeMembership(Membership committed) {
    if (dynamicFiles == null || committed.version() == 0) {
      return;
    }
    try {
      dynamicFiles.committed(committed);
    } catch (IOException e) {
      log.warn(
          "could not write the dynamic config file for version {}: {}",
          Long.toHexString(committed.version()),
          e.toString());
    }
  }

  private PrepProcessor newPrep(long lastZxid, RequestProcessor next) {
    return new PrepProcessor(
        tree,
        id -> {
          Session s = sessions.get(id);
          return s != null && !s.closing();
        },
        lastZxid,
        config.extendedTypesEnabled(),
        config.reconfigEnabled(),
        next);
  }

  private void closeClientConnections() {
    for (ClientConnection c : List.copyOf(connections.all())) {
      c.close();
    }
  }

  private int outstandingRequests() {
    return (sync == null ? 0 : sync.queued()) + finalStage.queued();
  }

  private void answered(Request r, Err err) {
    netty.inFlight().end();
    if (r.cnxn instanceof ClientConnection c) {
      c.requestDone();
    }
    long nanos = System.nanoTime() - r.receivedNanos;
    latency.record(nanos, TimeUnit.NANOSECONDS);
    stats.latency(nanos / 1_000_000);
    requests.get(r.op).increment();
  }

  /** The expiry clock found the session dead: its closeSession goes through the pipeline. */
  private void expire(Session s) {
    netty.inFlight().begin();
    pipeline.process(new Request(null, s.id(), 0, OpCode.CLOSE_SESSION, null, SERVER_AUTH));
  }

  /** An empty container or an expired TTL node: deleted through the pipeline like any write. */
  private void deleteContainer(String path) {
    if (ensemble != null && !mode().equals("leader")) {
      return; // the leader reaps, as in ZooKeeper; its deletes reach every server
    }
    netty.inFlight().begin();
    pipeline.process(
        new Request(
            null,
            0,
            0,
            OpCode.DELETE_CONTAINER,
            new org.apache.zookeeper.proto.DeleteRequest(path, -1),
            SERVER_AUTH));
  }

  /**
   * A pipeline thread died: what it was doing is lost (a txn unlogged or half applied, sessions
   * never expired), so the server must not go on looking ready. It stops being ready, says why in
   * one line and hands over to the fatal handler (production halts, for a restart that recovers
   * from disk). Should the handler return (tests), clients are disconnected rather than left
   * waiting for answers that will never come.
   */
  private void pipelineFailed(Thread thread, Throwable cause) {
    ready = false;
    if (!failed.compareAndSet(false, true)) {
      return;
    }
    String reason = thread.getName() + " failed: " + cause;
    log.error(
        "coordinator stops, exit status {}: {}; its state is unknown until restarted from disk",
        FatalHandler.EXIT_STATUS,
        reason,
        cause);
    fatal.fatal(reason);
    // Not on the failed thread: the shutdown waits for in-flight requests, which wait for it.
    Thread t = new Thread(() -> netty.shutdown(Duration.ZERO), "coord-fatal-stop");
    t.setDaemon(true);
    t.start();
  }

  /** Serving: started, and in an ensemble joined to a leader with a synced tree. */
  @Override
  public boolean ready() {
    return ready && (front == null || front.serving());
  }

  /** ZooKeeper's mode: standalone, leader, follower or observer; "looking" while not serving. */
  public String mode() {
    if (ensemble == null) {
      return "standalone";
    }
    QuorumPeer.Status status = quorumStatus();
    if (status == null || !status.serving()) {
      return "looking";
    }
    return switch (status.state()) {
      case LEADING -> "leader";
      case FOLLOWING -> "follower";
      case OBSERVING -> "observer";
      case LOOKING -> "looking";
    };
  }

  /** The quorum peer as of its last step, null when standalone or not started. */
  public QuorumPeer.Status quorumStatus() {
    QuorumDriver d = driver;
    return d == null ? null : d.peerForReading().status();
  }

  /** The bound client address (after {@link #start}). */
  public InetSocketAddress clientAddress() {
    return clientAddress;
  }

  public int clientPort() {
    return clientAddress.getPort();
  }

  /** "host:port" for ZooKeeper clients and Curator, on loopback when bound to all interfaces. */
  public String connectString() {
    String host =
        clientAddress.getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : clientAddress.getAddress().getHostAddress();
    return host + ":" + clientAddress.getPort();
  }

  /** The admin HTTP address, or null when the admin server is disabled. */
  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.address();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public synchronized void stop(Duration drain) {
    if (stopped) {
      return;
    }
    stopped = true;
    ready = false;
    if (netty != null) {
      netty.shutdown(drain);
    }
    if (sessions != null) {
      sessions.close();
    }
    if (reaper != null) {
      reaper.close();
    }
    if (driver != null) {
      driver.close();
    }
    if (prep != null) {
      prep.shutdown();
    }
    if (snapshotter != null) {
      snapshotter.close();
    }
    if (txnLog != null) {
      try {
        txnLog.close();
      } catch (IOException e) {
        log.warn("closing the txn log: {}", e.toString());
      }
    }
    if (admin != null) {
      admin.close();
    }
    if (registry != null) {
      registry.close();
    }
    log.info("coordinator stopped");
  }
}
