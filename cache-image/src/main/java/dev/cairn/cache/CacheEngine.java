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
  private volatile boolean ready;

  public CacheEngine(CacheConfig config) {
    this.config = config;
    this.server = new Server(config);
    // Without a launcher (embedded, tests) SHUTDOWN stops this engine only.
    server.onShutdown(
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

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  @Override
  public void start() throws Exception {
    server.persistence.load();
    netty = new NettyServer("cache", 1);
    netty.bindMetrics(registry);
    int port = config.get(CacheConfig.PORT);
    for (String host : config.get(CacheConfig.BIND).trim().split("\\s+")) {
      String h = host.startsWith("-") ? host.substring(1) : host;
      addresses.add(
          netty.listen(new InetSocketAddress(h, port), ServerChannels.initializer(server)));
      port = addresses.get(0).getPort();
    }
    var loop = netty.workers().next();
    int hz = config.get(CacheConfig.HZ);
    // Active expiry at hz cycles per second, each using at most a quarter of its period.
    // While a busy script is suspended the keyspace is its own: no expiry, no idle closing, no
    // snapshot cron until it ends (Redis's event processing during a script runs none of them).
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.keyspace.activeExpireCycle(Math.max(1, 250 / hz));
          }
        },
        1000 / hz,
        1000 / hz,
        TimeUnit.MILLISECONDS);
    loop.scheduleAtFixedRate(
        () -> {
          if (!server.scripting.busy()) {
            server.closeIdleClients();
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    loop.scheduleAtFixedRate(server::sampleStats, 100, 100, TimeUnit.MILLISECONDS);
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

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void onStopRequest(Runnable request) {
    server.onShutdown(request);
  }

  @Override
  public void stop(Duration drain) {
    ready = false;
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
