package dev.cairn.cache;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.server.Server;
import dev.cairn.cache.server.ServerChannels;
import dev.cairn.cache.server.ServerMetrics;
import dev.cairn.common.admin.AdminServer;
import dev.cairn.common.admin.Metrics;
import dev.cairn.common.engine.Engine;
import dev.cairn.common.engine.EngineLauncher;
import dev.cairn.common.net.NettyServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache engine: a Redis-protocol server on {@code port} (every {@code bind} address) and the
 * admin HTTP port ({@code admin-port}: /metrics, /healthz, /readyz).
 *
 * <p>Threading: Netty runs all client connections on ONE event loop, which also owns the keyspace
 * ({@link Server}); commands execute inline as they are parsed, replies are flushed once per read
 * batch. This is Redis's model (one thread, no locks) without a hand-off queue between I/O and
 * execution: on the 2-core machines we measured, a hand-off to a separate executor thread cost more
 * than parallel parsing saved. Timers (active expiry, blocking timeouts) run on the same loop.
 */
public final class CacheEngine implements Engine {
  private static final Logger log = LoggerFactory.getLogger(CacheEngine.class);

  private final CacheConfig config;
  private final PrometheusMeterRegistry registry = Metrics.prometheus("cache");
  private final Server server;
  private NettyServer netty;
  private AdminServer admin;
  private final List<InetSocketAddress> addresses = new ArrayList<>();
  private ScheduledExecutorService keyspaceThread;
  private volatile boolean ready;

  /** Whether what must be saved before exiting was (SHUTDOWN did it, or a stop already ran). */
  private volatile boolean persisted;

  public CacheEngine(CacheConfig config) {
    this.config = config;
    this.server = new Server(config);
    // Without a launcher (embedded, tests) SHUTDOWN stops this engine only.
    onStopRequest(
        () -> new Thread(() -> stop(EngineLauncher.DEFAULT_DRAIN), "cache-shutdown").start());
  }

  public static CacheEngine fromArgs(String[] args) throws Exception {
    return new CacheEngine(CacheConfig.fromArgs(args));
  }

  @Override
  public String name() {
    return "cache";
  }

  public Server server() {
    return server;
  }

  /** The bound client address (the first bind address). */
  public InetSocketAddress address() {
    return addresses.get(0);
  }

  /** The event loop that owns the keyspace: code touching the server runs there. */
  public ScheduledExecutorService keyspaceThread() {
    return keyspaceThread;
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  @Override
  public void start() throws Exception {
    server.aof.load();
    netty = new NettyServer("cache", 1);
    netty.bindMetrics(registry);
    // the AOF is open before the first client can write
    server.aof.start(netty.workers().next());
    int port = config.get(CacheConfig.PORT);
    for (String host : config.get(CacheConfig.BIND).trim().split("\\s+")) {
      String h = host.startsWith("-") ? host.substring(1) : host;
      addresses.add(
          netty.listen(new InetSocketAddress(h, port), ServerChannels.initializer(server)));
      port = addresses.get(0).getPort();
    }
    var loop = netty.workers().next();
    keyspaceThread = loop;
    int hz = config.get(CacheConfig.HZ);
    // Active expiry at hz cycles per second, each using at most a quarter of its period.
    // While a busy script is suspended the keyspace is its own: no expiry, no idle closing, no
    // snapshot cron until it ends (Redis's event processing during a script runs none of them).
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.keyspace.activeExpireCycle(Math.max(1, 250 / hz));
            server.tracking.broadcast(); // BCAST clients hear of the keys that expired
            if (server.tracking.clients() > 0) {
              // as Redis's serverCron: a limit lowered by CONFIG SET applies even when idle
              server.tracking.limit();
            }
          }
        },
        1000 / hz,
        1000 / hz,
        TimeUnit.MILLISECONDS);
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.clients.closeIdle();
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    loop.scheduleAtFixedRate(server::sampleStats, 100, 100, TimeUnit.MILLISECONDS);
    server.attachEviction(loop);
    server.persistence.attach(loop);
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.persistence.cron();
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.aof.cron();
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
    server.replication.attach(loop, addresses.get(0).getPort());
    ServerMetrics.bind(server, registry);
    admin =
        AdminServer.start(
            "cache",
            new InetSocketAddress(
                config.get(CacheConfig.ADMIN_BIND), config.get(CacheConfig.ADMIN_PORT)),
            registry,
            this::ready);
    ready = true;
    config.warnings().forEach(w -> log.warn("cache: {}", w));
    log.info(
        "cache ready: redis protocol on {}, admin on {}, maxmemory {} ({})",
        addresses,
        admin.address(),
        config.get(CacheConfig.MAXMEMORY),
        config.get(CacheConfig.MAXMEMORY_POLICY));
  }

  /**
   * SIGTERM, as Redis handles it: on the keyspace thread, between commands, the AOF is written and
   * fsynced and, if save rules are set, the RDB file saved. A failed save is logged; the stop goes
   * on (Kubernetes kills the pod after its grace period anyway).
   */
  private void persistBeforeStop(Duration drain) {
    persisted = true;
    var done =
        keyspaceThread.submit(() -> {
          try {
            server.persistForShutdown(false, false);
          } catch (java.io.IOException e) {
            log.error("cache could not save before stopping: {}", e.getMessage());
          }
        });
    try {
      done.get(drain.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.error("cache saving before stopping did not complete: {}", e.toString());
    }
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void onStopRequest(Runnable request) {
    // SHUTDOWN has saved what it was asked to before it requests the stop
    server.onShutdown(() -> {
      persisted = true;
      request.run();
    });
  }

  @Override
  public void stop(Duration drain) {
    ready = false;
    if (!persisted && keyspaceThread != null && drain.compareTo(Duration.ZERO) > 0) {
      persistBeforeStop(drain);
    }
    if (netty != null) {
      netty.shutdown(drain);
      netty = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }
}
