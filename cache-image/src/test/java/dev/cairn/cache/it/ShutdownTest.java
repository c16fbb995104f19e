package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.FreePorts;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** SHUTDOWN stops the real server process gracefully (exit 0), as redis-server does. */
class ShutdownTest {
  @Test
  void shutdownStopsTheProcessAndRefusesSave() throws Exception {
    int port = FreePorts.next();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cairn.cache.Main",
                "--port",
                Integer.toString(port),
                "--admin-port",
                Integer.toString(FreePorts.next()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Jedis jedis = null;
      while (jedis == null) {
        try {
          Jedis j = new Jedis("127.0.0.1", port);
          j.ping();
          jedis = j;
        } catch (RuntimeException e) {
          assertThat(System.nanoTime()).as("server up").isLessThan(deadline);
          Thread.sleep(100);
        }
      }
      try (Jedis client = jedis) {
        assertThatThrownBy(() -> client.sendCommand(Protocol.Command.SHUTDOWN, "SAVE"))
            .hasMessage("ERR Errors trying to SHUTDOWN. Check logs.");
        assertThatThrownBy(() -> client.sendCommand(Protocol.Command.SHUTDOWN, "ABORT"))
            .hasMessage("ERR No shutdown in progress.");
        assertThat(client.ping()).isEqualTo("PONG");
        try {
          client.sendCommand(Protocol.Command.SHUTDOWN, "NOSAVE");
        } catch (RuntimeException expected) {
          // the server closes the connection instead of replying, as Redis does
        }
      }
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("process exited").isTrue();
      assertThat(server.exitValue()).isZero();
    } finally {
      server.destroyForcibly();
    }
  }
}
