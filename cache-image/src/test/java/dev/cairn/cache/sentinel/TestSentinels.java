package dev.cairn.cache.sentinel;

import dev.cairn.common.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Sentinels for tests: a config file in {@code dir} on free ports, started. */
final class TestSentinels {
  private TestSentinels() {}

  /** A started sentinel whose sentinel.conf is {@code port 0}, {@code admin-port 0} and lines. */
  static SentinelEngine start(Path dir, Clock clock, String... lines) throws Exception {
    List<String> conf = new ArrayList<>(List.of("port 0", "admin-port 0"));
    conf.addAll(List.of(lines));
    conf.add("");
    Path file = Files.createTempFile(dir, "sentinel", ".conf");
    Files.writeString(file, String.join("\n", conf));
    SentinelEngine s =
        new SentinelEngine(SentinelConfig.fromArgs(new String[] {file.toString()}), clock);
    s.start();
    return s;
  }

  static SentinelEngine start(Path dir, String... lines) throws Exception {
    return start(dir, Clock.system(), lines);
  }
}
