package dev.cairn.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prometheus's own rule checker and unit-test runner (Debian's {@code prometheus} package, which
 * {@code scripts/install-test-peers} installs). Missing promtool is a failure, not a skip: CI has
 * it.
 */
final class Promtool {
  private Promtool() {}

  /** Exit code and combined output of one run. */
  record Run(int exitCode, String output) {}

  static Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable().toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), output);
  }

  private static Path executable() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator))
        .map(dir -> Path.of(dir, "promtool"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() ->
            new IllegalStateException(
                "promtool not found on PATH: run scripts/install-test-peers (Debian's"
                    + " prometheus package)"));
  }
}
