package dev.cairn.cache.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.common.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-server (7.0.15, the version the cache announces) on a free loopback port, as the
 * reference the differential tests compare Cairn with. Nothing is saved: no snapshots, no AOF.
 */
public final class ReferenceRedis implements AutoCloseable {
  public static final Path SERVER = Path.of("/usr/bin/redis-server");

  private final Process process;
  private final int port;

  private ReferenceRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static boolean installed() {
    return Files.isExecutable(SERVER);
  }

  /** Starts redis-server with these extra {@code --name value} arguments and waits for PING. */
  public static ReferenceRedis start(String... args) throws Exception {
    int port = FreePorts.next();
    List<String> command = new ArrayList<>(List.of(SERVER.toString()));
    command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
    command.addAll(List.of("--appendonly", "no"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        j.ping();
        return new ReferenceRedis(process, port);
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          process.destroy();
          throw new IOException("redis-server did not start on port " + port, e);
        }
        Thread.sleep(50);
      }
    }
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    // a redis-server busy in a script ignores SIGTERM until the script ends
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /**
   * One redis-server (no snapshots) for a test class, {@code @RegisterExtension static final
   * ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();}: the class is skipped where
   * redis-server is not installed.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private ReferenceRedis server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      assumeTrue(installed(), "redis-server not installed");
      server = start("--save", "");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    public int port() {
      return server.port();
    }
  }
}
