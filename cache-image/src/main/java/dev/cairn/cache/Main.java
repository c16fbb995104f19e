package dev.cairn.cache;

import dev.cairn.cache.sentinel.SentinelEngine;
import dev.cairn.common.engine.EngineLauncher;
import java.util.Arrays;

/**
 * {@code java -jar cairn-cache.jar [redis.conf] [--name value ...]}, as redis-server; with {@code
 * --sentinel} anywhere ({@code cairn-cache.jar --sentinel sentinel.conf}, or {@code sentinel.conf
 * --sentinel} as {@code redis-server} takes it) the process is a sentinel instead.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--sentinel")) {
      String[] rest =
          Arrays.stream(args).filter(a -> !a.equals("--sentinel")).toArray(String[]::new);
      EngineLauncher.run("cairn-sentinel", rest, SentinelEngine::fromArgs);
      return;
    }
    EngineLauncher.run("cairn-cache", args, CacheEngine::fromArgs);
  }
}
