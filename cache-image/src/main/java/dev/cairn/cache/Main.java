package dev.cairn.cache;

import dev.cairn.common.engine.EngineLauncher;

/** {@code java -jar cairn-cache.jar [redis.conf] [--name value ...]}, as redis-server. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    EngineLauncher.run("cairn-cache", args, CacheEngine::fromArgs);
  }
}
