package dev.cairn.e2e.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real operator, the same artifact as in production ({@code quarkus-run.jar}), run as a process
 * against the local API through a kubeconfig. It resolves pod and service names through the local
 * cluster's hosts file, as it would through cluster DNS, so its admin clients reach the engines.
 */
final class OperatorProcess implements AutoCloseable {
  private final Process process;

  private OperatorProcess(Process process) {
    this.process = process;
  }

  static OperatorProcess start(Path jar, Path kubeconfig, Path hostsFile, int httpPort, Path log)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "operator not built: " + jar + " is missing (run ./mvnw -DskipTests package)");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath(),
            "-Dsun.net.inetaddr.ttl=1",
            "-Dsun.net.inetaddr.negative.ttl=0",
            "-Dquarkus.http.port=" + httpPort,
            "-Dquarkus.http.host=127.0.0.1",
            "-jar",
            jar.toAbsolutePath().toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    return new OperatorProcess(builder.start());
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
