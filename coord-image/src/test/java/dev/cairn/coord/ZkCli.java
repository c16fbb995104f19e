package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's zkCli.sh (ZooKeeper 3.8), fed a script on its standard input. */
final class ZkCli {
  private static final Path ZKCLI = Path.of("/usr/share/zookeeper/bin/zkCli.sh");

  private ZkCli() {}

  static boolean installed() {
    return Files.isExecutable(ZKCLI);
  }

  /** Runs {@code script} against {@code connectString}; returns everything zkCli printed. */
  static String run(String connectString, String script) throws Exception {
    Process p =
        new ProcessBuilder(ZKCLI.toString(), "-server", connectString)
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((script + "\nquit\n").getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
