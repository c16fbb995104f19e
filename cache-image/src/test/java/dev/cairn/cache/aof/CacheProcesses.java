package dev.cairn.cache.aof;

import dev.cairn.cache.Main;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.Launch;
import dev.cairn.common.faults.Readiness;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/** Starts the cache from the test class path in a fault-harness process, redis-server style. */
final class CacheProcesses {
  static final int PORT = 6379;
  static final int ADMIN_PORT = 9121;

  private CacheProcesses() {}

  /** The cache on the process's address and data directory, with these extra flags. */
  static void start(EngineProcess cache, String... flags) {
    String address = cache.address().getHostAddress();
    List<String> args =
        new ArrayList<>(
            List.of(
                // the process's log (output.log) shows what the cache did, as in production
                "-Dorg.slf4j.simpleLogger.log.dev.cairn=info",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--bind",
                address,
                "--port",
                Integer.toString(PORT),
                "--admin-bind",
                address,
                "--admin-port",
                Integer.toString(ADMIN_PORT),
                "--dir",
                cache.dataDirectory().toAbsolutePath().toString()));
    args.addAll(List.of(flags));
    cache.start(new Launch(args), Readiness.readyz(cache.address(), ADMIN_PORT));
  }

  static Jedis client(EngineProcess cache) {
    return new Jedis(cache.address().getHostAddress(), PORT, 5000);
  }
}
