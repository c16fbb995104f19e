package dev.cairn.e2e.faults;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.Launch;
import dev.cairn.common.faults.Readiness;
import dev.cairn.e2e.local.ImageCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts this checkout's engine jars in fault harness processes. Every process has an address of
 * its own, so each engine serves on its standard ports, as on a pod IP.
 */
final class Engines {
  static final int COORD_CLIENT_PORT = 2181;
  static final int COORD_ADMIN_PORT = 7000;
  static final int CACHE_PORT = 6379;
  static final int CACHE_ADMIN_PORT = 9121;
  static final int SENTINEL_PORT = 26379;
  static final int SENTINEL_ADMIN_PORT = 9122;

  /** Surefire runs in the e2e module; the engine modules are its siblings. */
  private static final ImageCatalog JARS =
      ImageCatalog.ofCheckout(Path.of(System.getProperty("user.dir")).getParent());

  private Engines() {}

  /** The coordinator with a zoo.cfg whose dataDir is the process's data directory. */
  static InetSocketAddress startCoordinator(EngineProcess coord) throws IOException {
    return startCoordinator(
        coord, 0, List.of(), Readiness.readyz(coord.address(), COORD_ADMIN_PORT));
  }

  /**
   * A coordinator; with {@code servers} lines, a member of that ensemble with id {@code myId}
   * (short timeouts: tickTime 500 ms, so a lost leader is noticed within 2 s).
   */
  static InetSocketAddress startCoordinator(
      EngineProcess coord, int myId, List<String> servers, Readiness readiness) throws IOException {
    String address = coord.address().getHostAddress();
    Path cfg = coord.directory().resolve("zoo.cfg");
    List<String> lines = new ArrayList<>(servers);
    lines.addAll(
        List.of(
            "dataDir=" + coord.dataDirectory().toAbsolutePath(),
            "clientPortAddress=" + address,
            "clientPort=" + COORD_CLIENT_PORT,
            "admin.serverAddress=" + address,
            "admin.serverPort=" + COORD_ADMIN_PORT,
            servers.isEmpty() ? "tickTime=2000" : "tickTime=500",
            "initLimit=10",
            "syncLimit=4",
            "4lw.commands.whitelist=*",
            ""));
    Files.writeString(cfg, String.join("\n", lines));
    if (!servers.isEmpty()) {
      Files.createDirectories(coord.dataDirectory());
      Files.writeString(coord.dataDirectory().resolve("myid"), myId + "\n");
    }
    coord.start(Launch.jar(JARS.jarFor("cairn/coord"), cfg.toAbsolutePath().toString()), readiness);
    return new InetSocketAddress(coord.address(), COORD_CLIENT_PORT);
  }

  /** The cache with redis-server style flags, then {@code flags}. */
  static InetSocketAddress startCache(EngineProcess cache, String... flags) {
    String address = cache.address().getHostAddress();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--bind",
            address,
            "--port",
            Integer.toString(CACHE_PORT),
            "--admin-bind",
            address,
            "--admin-port",
            Integer.toString(CACHE_ADMIN_PORT)));
    args.addAll(List.of(flags));
    cache.start(
        Launch.jar(JARS.jarFor("cairn/cache"), args.toArray(String[]::new)),
        Readiness.readyz(cache.address(), CACHE_ADMIN_PORT));
    return new InetSocketAddress(cache.address(), CACHE_PORT);
  }

  /**
   * A sentinel monitoring {@code master} as {@code name} with quorum 2, down-after 1 s and
   * failover-timeout 6 s; it connects from its own address, so partitions cut it off too.
   */
  static InetSocketAddress startSentinel(
      EngineProcess sentinel, String name, InetSocketAddress master) throws IOException {
    String address = sentinel.address().getHostAddress();
    Path conf = sentinel.directory().resolve("sentinel.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + SENTINEL_PORT,
            "bind " + address,
            "bind-source-addr " + address,
            "admin-bind " + address,
            "admin-port " + SENTINEL_ADMIN_PORT,
            "sentinel monitor "
                + name
                + " "
                + master.getHostString()
                + " "
                + master.getPort()
                + " 2",
            "sentinel down-after-milliseconds " + name + " 1000",
            "sentinel failover-timeout " + name + " 6000",
            ""));
    sentinel.start(
        Launch.jar(JARS.jarFor("cairn/cache"), "--sentinel", conf.toAbsolutePath().toString()),
        Readiness.readyz(sentinel.address(), SENTINEL_ADMIN_PORT));
    return new InetSocketAddress(sentinel.address(), SENTINEL_PORT);
  }
}
