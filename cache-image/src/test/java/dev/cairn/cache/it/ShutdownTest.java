package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * SHUTDOWN stops the real server process gracefully (exit 0), as redis-server does; SHUTDOWN SAVE
 * writes dbfilename in dir first and the next start loads it; a save that fails keeps it running.
 */
class ShutdownTest {
  @TempDir Path dir;

  private Process start(int port, String dataDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.cairn.cache.Main",
            "--port",
            Integer.toString(port),
            "--admin-port",
            Integer.toString(FreePorts.next()),
            "--dir",
            dataDir)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static Jedis connect(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        Jedis j = new Jedis("127.0.0.1", port);
        j.ping();
        return j;
      } catch (RuntimeException e) {
        assertThat(System.nanoTime()).as("server up").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static void shutdown(Jedis client, Process server, String how) throws Exception {
    try {
      client.sendCommand(Protocol.Command.SHUTDOWN, how);
    } catch (RuntimeException expected) {
      // the server closes the connection instead of replying, as Redis does
    }
    client.close();
    assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("process exited").isTrue();
    assertThat(server.exitValue()).isZero();
  }

  @Test
  void shutdownSaveWritesTheFileTheNextStartLoads() throws Exception {
    int port = FreePorts.next();
    Process server = start(port, dir.toString());
    try {
      Jedis client = connect(port);
      client.set("kept", "across restarts");
      assertThatThrownBy(() -> client.sendCommand(Protocol.Command.SHUTDOWN, "ABORT"))
          .hasMessage("ERR No shutdown in progress.");
      shutdown(client, server, "SAVE");
    } finally {
      server.destroyForcibly();
    }
    assertThat(dir.resolve("dump.rdb")).exists();
    server = start(port, dir.toString());
    try {
      Jedis client = connect(port);
      assertThat(client.get("kept")).isEqualTo("across restarts");
      shutdown(client, server, "NOSAVE");
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void aShutdownWhoseSaveFailsKeepsServing() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    int port = FreePorts.next();
    Process server = start(port, notADirectory.resolve("sub").toString());
    try (Jedis client = connect(port)) {
      assertThatThrownBy(() -> client.sendCommand(Protocol.Command.SHUTDOWN, "SAVE"))
          .hasMessage("ERR Errors trying to SHUTDOWN. Check logs.");
      assertThat(client.ping()).isEqualTo("PONG");
    } finally {
      server.destroyForcibly();
    }
  }
}
