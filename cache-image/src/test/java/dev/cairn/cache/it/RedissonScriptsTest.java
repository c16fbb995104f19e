package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson, unmodified, against Cairn: its locks, rate limiter and map cache are Lua scripts sent
 * with EVAL/EVALSHA (after SCRIPT LOAD), reading replies as Redis's conversions make them.
 */
class RedissonScriptsTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(0)));

  private static RedissonClient a;
  private static RedissonClient b;

  @BeforeAll
  static void connect() {
    a = client();
    b = client();
  }

  @AfterAll
  static void disconnect() {
    if (a != null) {
      a.shutdown();
    }
    if (b != null) {
      b.shutdown();
    }
  }

  private static RedissonClient client() {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress("redis://127.0.0.1:" + cache.engine().address().getPort())
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(2);
    return Redisson.create(config);
  }

  @Test
  void aLockIsExclusiveReentrantAndReleased() throws Exception {
    RLock lock = a.getLock("orders-lock");
    assertThat(lock.tryLock(1, 30, TimeUnit.SECONDS)).isTrue();
    assertThat(lock.tryLock(1, 30, TimeUnit.SECONDS)).as("reentrant").isTrue();
    assertThat(lock.getHoldCount()).isEqualTo(2);
    // another client (another thread) cannot take it
    RLock other = b.getLock("orders-lock");
    assertThat(CompletableFuture.supplyAsync(() -> tryLock(other, 200)).get()).isFalse();
    lock.unlock();
    assertThat(CompletableFuture.supplyAsync(() -> tryLock(other, 200)).get()).isFalse();
    lock.unlock();
    assertThat(lock.isLocked()).isFalse();
    CompletableFuture<Boolean> taken =
        CompletableFuture.supplyAsync(() -> {
          boolean got = tryLock(other, 2000);
          if (got) {
            other.unlock();
          }
          return got;
        });
    assertThat(taken.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private static boolean tryLock(RLock lock, long waitMillis) {
    try {
      return lock.tryLock(waitMillis, 30_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void countedWorkersShareALockWithoutLosingUpdates() throws Exception {
    AtomicInteger counter = new AtomicInteger();
    int[] unsafe = {0};
    CompletableFuture<?>[] workers = new CompletableFuture<?>[4];
    for (int w = 0; w < workers.length; w++) {
      RedissonClient client = w % 2 == 0 ? a : b;
      workers[w] =
          CompletableFuture.runAsync(() -> {
            RLock lock = client.getLock("counter-lock");
            for (int i = 0; i < 25; i++) {
              lock.lock();
              try {
                int seen = unsafe[0];
                Thread.onSpinWait();
                unsafe[0] = seen + 1;
                counter.incrementAndGet();
              } finally {
                lock.unlock();
              }
            }
          });
    }
    CompletableFuture.allOf(workers).get(60, TimeUnit.SECONDS);
    assertThat(unsafe[0]).isEqualTo(counter.get()).isEqualTo(100);
  }

  @Test
  void theRateLimiterGrantsItsRateAndNoMore() {
    RRateLimiter limiter = a.getRateLimiter("api-limit");
    assertThat(
            limiter.trySetRate(
                RateType.OVERALL, 5, java.time.Duration.ofSeconds(10), java.time.Duration.ZERO))
        .isTrue();
    int granted = 0;
    for (int i = 0; i < 8; i++) {
      if (limiter.tryAcquire()) {
        granted++;
      }
    }
    assertThat(granted).isEqualTo(5);
    assertThat(b.getRateLimiter("api-limit").tryAcquire()).isFalse();
    assertThat(limiter.availablePermits()).isZero();
  }

  @Test
  void aMapCacheExpiresItsEntries() throws Exception {
    RMapCache<String, String> map = a.getMapCache("sessions");
    // Long enough that a loaded machine still reads it back before it expires.
    map.put("short", "v1", 2, TimeUnit.SECONDS);
    map.put("long", "v2", 60, TimeUnit.SECONDS);
    assertThat(b.<String, String>getMapCache("sessions").get("short")).isEqualTo("v1");
    Thread.sleep(2_500);
    assertThat(map.get("short")).isNull();
    assertThat(map.get("long")).isEqualTo("v2");
    assertThat(map.containsKey("short")).isFalse();
  }
}
