package dev.cairn.cache.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.common.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Debian's redis-server on a free loopback port with {@code dir} as its directory (its log there
 * too), no save rules and no AOF unless {@code args} say otherwise.
 */
record RedisProcess(Process process, int port) implements AutoCloseable {
  static final Path REDIS = Path.of("/usr/bin/redis-server");

  /** Starts it with these extra {@code --name value} arguments and waits for PING. */
  static RedisProcess start(Path dir, String... args) throws Exception {
    assumeTrue(Files.isExecutable(REDIS), "redis-server not installed");
    int port = FreePorts.next();
    List<String> command =
        new ArrayList<>(
            List.of(
                REDIS.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
            .start();
    RedisProcess rp = new RedisProcess(p, port);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Jedis j = rp.client()) {
        j.ping();
        return rp;
      } catch (JedisDataException e) {
        if (e.getMessage().startsWith("NOAUTH")) {
          return rp; // up, with requirepass
        }
        if (!e.getMessage().startsWith("LOADING") || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50); // listening while it loads its files (slow on a busy machine)
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          p.destroy();
          throw new IOException(
              "redis-server did not start: "
                  + Files.readString(dir.resolve("redis-" + port + ".log")),
              e);
        }
        Thread.sleep(50);
      }
    }
  }

  Jedis client() {
    return new Jedis("127.0.0.1", port);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
