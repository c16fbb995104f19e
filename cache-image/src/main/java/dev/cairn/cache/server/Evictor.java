package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.db.Keyspace.Eviction;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Keeps the keyspace under {@code maxmemory}, in bounded passes as Redis 6.2+ does: each pass
 * evicts for at most the time {@code maxmemory-eviction-tenacity} allows, and while memory is still
 * over the limit another pass is queued on the keyspace's loop, behind the commands already waiting
 * (Redis's eviction time event). A command meanwhile runs as long as eviction is making progress;
 * only when nothing can be evicted are denyoom commands refused.
 */
final class Evictor {
  private final Keyspace keyspace;
  private Executor loop;
  private BooleanSupplier paused = () -> false;
  private boolean passQueued;
  private long maxmemory;
  private int samples;
  private long passNanos;

  Evictor(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  /**
   * The keyspace's loop, where further passes run (none before it is attached), skipped while
   * {@code paused} (a busy script owns the keyspace; the next command or stats tick resumes).
   */
  void attach(Executor keyspaceLoop, BooleanSupplier paused) {
    this.loop = keyspaceLoop;
    this.paused = paused;
  }

  void configure(CacheConfig config) {
    maxmemory = config.get(CacheConfig.MAXMEMORY);
    samples = config.get(CacheConfig.MAXMEMORY_SAMPLES);
    passNanos = passMicros(config.get(CacheConfig.MAXMEMORY_EVICTION_TENACITY)) * 1000;
  }

  /**
   * Redis's evictionTimeLimitUs: 50 µs per step up to 10 (the default, 500 µs), then 15 % more per
   * step, and no limit at 100.
   */
  static long passMicros(int tenacity) {
    if (tenacity <= 10) {
      return 50L * tenacity;
    }
    if (tenacity < 100) {
      return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
    }
    return Long.MAX_VALUE / 1000;
  }

  /** One pass; FITS when no limit is set. */
  Eviction evict() {
    if (maxmemory <= 0) {
      return Eviction.FITS;
    }
    Eviction result = keyspace.evictUntil(maxmemory, samples, passNanos);
    if (result == Eviction.RUNNING && loop != null && !passQueued) {
      passQueued = true;
      loop.execute(() -> {
        passQueued = false;
        if (!paused.getAsBoolean()) {
          evict();
        }
      });
    }
    return result;
  }
}
