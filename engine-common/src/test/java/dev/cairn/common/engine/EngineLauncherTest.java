package dev.cairn.common.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs an engine as a real process and stops it the way Kubernetes does: SIGTERM. */
class EngineLauncherTest {

  @Test
  void sigtermDrainsTheInFlightRequestAndExitsZero() throws Exception {
    Process process = java(EchoEngine.class).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = stdout.readLine();
      assertThat(line).startsWith("PORT ");
      int port = Integer.parseInt(line.substring(5).trim());
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(10_000);
        var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
        var in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out.print("ping\n");
        out.flush();
        assertThat(in.readLine()).isEqualTo("ping");
        out.print("sleep 500 drained\n");
        out.flush();
        Thread.sleep(100);
        process.destroy(); // SIGTERM
        assertThat(in.readLine()).isEqualTo("drained");
      }
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void invalidConfigurationExitsTwoWithTheKeyInTheMessage() throws Exception {
    Process process = java(BadConfigMain.class).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("echo: invalid configuration: invalid value 'x' for 'port'");
  }

  /** A JVM running {@code main} with this test's class path. */
  private static ProcessBuilder java(Class<?> main) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
        java.toString(), "-cp", System.getProperty("java.class.path"), main.getName());
  }

  /** An engine main whose configuration is wrong. */
  public static final class BadConfigMain {
    public static void main(String[] args) {
      EngineLauncher.run(
          "echo",
          args,
          a -> {
            throw dev.cairn.common.config.ConfigException.invalidValue("port", "x", "a port");
          });
    }
  }
}
