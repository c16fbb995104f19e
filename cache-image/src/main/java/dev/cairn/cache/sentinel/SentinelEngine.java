package dev.cairn.cache.sentinel;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.server.ClientRegistry;
import dev.cairn.cache.server.CommandTable;
import dev.cairn.cache.server.Server;
import dev.cairn.cache.server.ServerChannels;
import dev.cairn.common.admin.AdminServer;
import dev.cairn.common.admin.Metrics;
import dev.cairn.common.engine.Engine;
import dev.cairn.common.engine.EngineLauncher;
import dev.cairn.common.net.NettyServer;
import dev.cairn.common.time.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentinel mode ({@code cairn-cache.jar --sentinel sentinel.conf}, as {@code redis-sentinel}): the
 * network layer around {@link SentinelState}. It serves clients on {@code port} with sentinel
 * mode's command table ({@link CommandTable#forSentinel}) — the same connection handling and
 * pub/sub as the cache, where the sentinel's events are published — and drives the state machine: a
 * tick every 100 ms with the monotonic {@link Clock}, the commands it outputs sent over {@link
 * Link}s (one command link per address, one hello subscription per monitored server), their replies
 * and the hello messages fed back, events published and logged, the config file rewritten when
 * asked.
 *
 * <p>Threading: one Netty event loop runs everything — client commands, the timer, the links — so
 * the state machine is only ever touched from that thread.
 */
public final class SentinelEngine implements Engine {
  private static final Logger log = LoggerFactory.getLogger(SentinelEngine.class);

  /** Links unused this long are closed (their instance was forgotten or moved). */
  private static final long IDLE_LINK_MILLIS = 60_000;

  private final SentinelConfig config;
  private final Clock clock;
  private final SentinelState state;
  private final Server server;
  private final PrometheusMeterRegistry registry = Metrics.prometheus("sentinel");
  private final Map<Address, Link> commandLinks = new HashMap<>();
  private final Map<Address, Link> helloLinks = new HashMap<>();
  private final List<InetSocketAddress> addresses = new ArrayList<>();
  private NettyServer netty;
  private AdminServer admin;
  private EventLoop loop;
  private volatile boolean ready;
  private Runnable stopRequest = () -> stop(EngineLauncher.DEFAULT_DRAIN);

  public SentinelEngine(SentinelConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.state =
        new SentinelState(
            config.myId,
            new Address("127.0.0.1", config.server.get(CacheConfig.PORT)),
            config.currentEpoch,
            new SplittableRandom(new SecureRandom().nextLong()));
    config.applyTo(state, clock.monotonicMillis());
    SentinelCommands commands = new SentinelCommands(this);
    this.server =
        new Server(
            config.server,
            CommandTable.forSentinel(
                commands::sentinel, commands::info, commands::role, commands::publish));
    server.onShutdown(() -> new Thread(() -> stopRequest.run(), "sentinel-shutdown").start());
  }

  public static SentinelEngine fromArgs(String[] args) throws IOException {
    return new SentinelEngine(SentinelConfig.fromArgs(args), Clock.system());
  }

  @Override
  public String name() {
    return "sentinel";
  }

  SentinelState state() {
    return state;
  }

  SentinelConfig config() {
    return config;
  }

  long now() {
    return clock.monotonicMillis();
  }

  int port() {
    return addresses.isEmpty() ? config.server.get(CacheConfig.PORT) : addresses.get(0).getPort();
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** The bound client address (the first bind address). */
  public InetSocketAddress address() {
    return addresses.get(0);
  }

  @Override
  public void start() throws Exception {
    netty = new NettyServer("sentinel", 1);
    netty.bindMetrics(registry);
    int port = config.server.get(CacheConfig.PORT);
    for (String host : config.server.get(CacheConfig.BIND).trim().split("\\s+")) {
      String h = host.startsWith("-") ? host.substring(1) : host;
      addresses.add(
          netty.listen(new InetSocketAddress(h, port), ServerChannels.initializer(server)));
      port = addresses.get(0).getPort();
    }
    loop = (EventLoop) netty.workers().next();
    loop.submit(
            () -> {
              announce();
              saveConfig(); // the id and anything learnt are on disk before the first vote
            })
        .get();
    loop.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS);
    // read from the scrape thread, as the cache's gauges are: single words, a stale value is fine
    Gauge.builder("cairn_sentinel_masters", state, x -> x.masters().size())
        .description("masters this sentinel monitors")
        .register(registry);
    Gauge.builder("cairn_sentinel_current_epoch", state, SentinelState::currentEpoch)
        .description("the sentinel's current epoch (each failover attempt takes a new one)")
        .register(registry);
    Gauge.builder("cairn_sentinel_clients_connected", server.clients, ClientRegistry::count)
        .register(registry);
    admin =
        AdminServer.start(
            "sentinel",
            new InetSocketAddress(
                config.server.get(CacheConfig.ADMIN_BIND),
                config.server.get(CacheConfig.ADMIN_PORT)),
            registry,
            this::ready);
    ready = true;
    log.info(
        "sentinel {} ready on {}, monitoring {}, config {}",
        state.myId(),
        addresses,
        state.masters().stream().map(m -> m.name + "@" + m.master.address).toList(),
        config.file);
  }

  /**
   * The address hellos announce: announce-ip/-port, else the bind address (loopback when bound to
   * every interface) and the bound port.
   */
  void announce() {
    String host = config.announceIp;
    if (host.isEmpty()) {
      String bind = addresses.get(0).getAddress().getHostAddress();
      host = addresses.get(0).getAddress().isAnyLocalAddress() ? "127.0.0.1" : bind;
    }
    int port = config.announcePort != 0 ? config.announcePort : port();
    state.announce(new Address(host, port));
  }

  private void tick() {
    try {
      long now = now();
      state.tick(now, clock.wallMillis());
      Set<Address> servers = new HashSet<>();
      for (MonitoredMaster m : state.masters()) {
        List<Address> watched = new ArrayList<>(m.replicas.keySet());
        watched.add(m.master.address);
        for (Address a : watched) {
          servers.add(a);
          helloLinks.computeIfAbsent(a, x -> link(x, true, m)).ensureOpen(now);
        }
      }
      closeIdle(commandLinks, now);
      helloLinks
          .entrySet()
          .removeIf(e -> {
            if (!servers.contains(e.getKey())) {
              e.getValue().close();
              return true;
            }
            return false;
          });
      afterChange();
    } catch (RuntimeException e) {
      // a bug must cost one tick, not the timer (a scheduled task that throws is cancelled)
      log.error("sentinel tick failed", e);
    }
  }

  private static void closeIdle(Map<Address, Link> links, long now) {
    links
        .entrySet()
        .removeIf(e -> {
          if (now - e.getValue().lastUse > IDLE_LINK_MILLIS) {
            e.getValue().close();
            return true;
          }
          return false;
        });
  }

  /** bind-source-addr, or null for the operating system's choice. */
  private InetSocketAddress sourceAddress() {
    String source = config.server.get(CacheConfig.BIND_SOURCE_ADDR);
    return source.isEmpty() ? null : new InetSocketAddress(source, 0);
  }

  private Link link(Address a, boolean hello, MonitoredMaster m) {
    String id = state.myId().substring(0, 8);
    Link l =
        new Link(
            a,
            hello,
            loop,
            "sentinel-" + id + (hello ? "-pubsub" : "-cmd"),
            payload -> {
              state.hello(payload, now());
              afterChange();
            },
            sourceAddress());
    if (m != null) {
      l.auth(m.authUser, m.authPass);
    } else if (!config.sentinelPass.isEmpty()) {
      l.auth(config.sentinelUser, config.sentinelPass);
    } else {
      // as Redis: without sentinel-pass, a sentinel's requirepass is both what its clients and
      // what it sends the other sentinels (they are configured alike)
      l.auth("", server.config().get(CacheConfig.REQUIREPASS));
    }
    return l;
  }

  /** The credentials for other sentinels changed: their next connections use the new ones. */
  void dropSentinelLinks() {
    commandLinks
        .entrySet()
        .removeIf(e -> {
          boolean toServer =
              state.masters().stream()
                  .map(m -> m.byAddress(e.getKey()))
                  .anyMatch(i -> i != null && i.kind != Instance.Kind.SENTINEL);
          if (!toServer) {
            e.getValue().close();
          }
          return !toServer;
        });
  }

  /** Carries out what the state machine asked for since the last call. */
  void afterChange() {
    for (Output o : state.drain()) {
      switch (o) {
        case Output.Send s -> send(s.request());
        case Output.Event e -> {
          log.info("sentinel {} {}", e.type(), e.text());
          registry.counter("cairn_sentinel_events", "type", e.type()).increment();
          server.pubsub.publish(
              e.type().getBytes(StandardCharsets.UTF_8), e.text().getBytes(StandardCharsets.UTF_8));
        }
        case Output.SaveConfig c -> saveConfig();
        case Output.Reconnect r -> {
          for (Address a : r.servers()) {
            drop(commandLinks, a);
            drop(helloLinks, a);
          }
        }
      }
    }
  }

  private static void drop(Map<Address, Link> links, Address a) {
    Link l = links.remove(a);
    if (l != null) {
      l.close();
    }
  }

  private void send(Request r) {
    MonitoredMaster m = state.masterOrNull(r.master());
    Instance target = m == null ? null : m.byAddress(r.to());
    boolean toServer = target != null && target.kind != Instance.Kind.SENTINEL;
    Link l = commandLinks.computeIfAbsent(r.to(), a -> link(a, false, toServer ? m : null));
    l.send(
        r.commands(),
        reply -> {
          state.replied(r, reply, now());
          afterChange();
        },
        now());
  }

  void saveConfig() {
    try {
      config.rewrite(state);
    } catch (IOException e) {
      log.error("sentinel could not rewrite {}: {}", config.file, e.toString());
    }
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void onStopRequest(Runnable request) {
    this.stopRequest = request;
  }

  @Override
  public void stop(Duration drain) {
    ready = false;
    if (netty != null) {
      if (loop != null) {
        try {
          loop.submit(
                  () -> {
                    commandLinks.values().forEach(Link::close);
                    helloLinks.values().forEach(Link::close);
                  })
              .get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
          log.debug("sentinel links did not close: {}", e.toString());
        }
      }
      netty.shutdown(drain);
      netty = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }
}
