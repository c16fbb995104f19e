package dev.cairn.cache;

import dev.cairn.cache.sentinel.SentinelEngine;
import dev.cairn.common.engine.EngineLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar cairn-cache.jar [redis.conf] [--name value ...]}, as redis-server; with {@code
 * --sentinel} anywhere ({@code cairn-cache.jar --sentinel sentinel.conf}, or {@code sentinel.conf
 * --sentinel} as {@code redis-server} takes it) the process is a sentinel instead.
 *
 * <p>{@code --seed-config <file>} (sentinel only): when the sentinel's config file does not exist,
 * it is first copied from {@code <file>}. A sentinel rewrites its file, and in Kubernetes the
 * operator's config arrives on a read-only ConfigMap volume, so the pod runs the sentinel on a
 * writable copy; the image has no shell to copy it with.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--sentinel")) {
      List<String> rest = new ArrayList<>(Arrays.asList(args));
      rest.remove("--sentinel");
      int seed = rest.indexOf("--seed-config");
      if (seed >= 0 && seed + 1 < rest.size() && seed > 0) {
        Path seedFile = Path.of(rest.get(seed + 1));
        Path config = Path.of(rest.get(0));
        rest.subList(seed, seed + 2).clear();
        try {
          if (!Files.exists(config)) {
            Files.copy(seedFile, config);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot seed sentinel config " + config + " from " + seedFile, e);
        }
      }
      EngineLauncher.run("cairn-sentinel", rest.toArray(String[]::new), SentinelEngine::fromArgs);
      return;
    }
    EngineLauncher.run("cairn-cache", args, CacheEngine::fromArgs);
  }
}
