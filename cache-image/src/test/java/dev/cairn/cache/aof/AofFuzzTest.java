package dev.cairn.cache.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Damaged AOF files, seeded: an incremental file cut at random offsets loads exactly the writes
 * complete before the cut (aof-load-truncated yes) or is refused with a clear error (no); random
 * bytes overwritten load or are refused with an {@link AofLoadException} — never another failure,
 * never a huge allocation from a corrupt length. The seed is printed so a failure reproduces.
 */
class AofFuzzTest {
  private static final int KEYS = 200;
  private static final long SEED = Long.getLong("aof.fuzz.seed", System.nanoTime());

  @TempDir Path dir;

  private CacheEngine start(Path data, String loadTruncated) throws Exception {
    CacheEngine e =
        new CacheEngine(
            CacheConfig.of(
                Map.of(
                    "port", "0",
                    "admin-port", "0",
                    "dir", data.toString(),
                    "appendonly", "yes",
                    "aof-load-truncated", loadTruncated)));
    e.start();
    return e;
  }

  /** An AOF of SET k0..k{KEYS-1} to v0..; returns the bytes of its incr file. */
  private byte[] written(Path data) throws Exception {
    CacheEngine e = start(data, "yes");
    try (Jedis j = new Jedis("127.0.0.1", e.address().getPort())) {
      for (int i = 0; i < KEYS; i++) {
        j.set("k" + i, "v".repeat(i % 50) + i);
      }
    } finally {
      e.stop(Duration.ZERO);
    }
    return Files.readAllBytes(incr(data));
  }

  private static Path incr(Path data) {
    return data.resolve("appendonlydir").resolve("appendonly.aof.1.incr.aof");
  }

  private Path copyWith(Path original, byte[] incrBytes, String name) throws Exception {
    Path data = dir.resolve(name);
    Files.createDirectories(data.resolve("appendonlydir"));
    try (var files = Files.list(original.resolve("appendonlydir"))) {
      for (Path f : files.toList()) {
        Files.copy(f, data.resolve("appendonlydir").resolve(f.getFileName()));
      }
    }
    Files.write(incr(data), incrBytes);
    return data;
  }

  @Test
  void aCutFileLoadsTheCompleteWritesBeforeTheCutOrIsRefused() throws Exception {
    System.out.println("AofFuzzTest seed " + SEED);
    Random rnd = new Random(SEED);
    Path original = dir.resolve("original");
    byte[] full = written(original);
    int refusals = 0;
    long loaded = 0;
    for (int round = 0; round < 12; round++) {
      int cut = rnd.nextInt(full.length);
      byte[] cutBytes = java.util.Arrays.copyOf(full, cut);
      Path data = copyWith(original, cutBytes, "cut-" + round);
      try {
        start(data, "no").stop(Duration.ZERO);
        assertThat(isCommandBoundary(full, cut)).as("seed %d cut %d loaded", SEED, cut).isTrue();
      } catch (AofLoadException refused) {
        assertThat(refused).hasMessageContaining("Unexpected end of file");
        refusals++;
      }
      CacheEngine e = start(data, "yes");
      try (Jedis j = new Jedis("127.0.0.1", e.address().getPort())) {
        long n = j.dbSize();
        loaded += n;
        for (int i = 0; i < n; i++) {
          assertThat(j.get("k" + i))
              .as("seed %d cut %d", SEED, cut)
              .isEqualTo("v".repeat(i % 50) + i);
        }
        assertThat(j.exists("k" + n)).isFalse();
      } finally {
        e.stop(Duration.ZERO);
      }
    }
    System.out.printf(
        "%d of 12 cuts refused without aof-load-truncated, %d keys loaded%n", refusals, loaded);
    assertThat(refusals).isPositive();
    assertThat(loaded).isPositive();
  }

  @Test
  void overwrittenBytesLoadOrAreRefusedCleanly() throws Exception {
    Random rnd = new Random(SEED + 1);
    Path original = dir.resolve("original");
    byte[] full = written(original);
    int refusals = 0;
    for (int round = 0; round < 12; round++) {
      byte[] damaged = full.clone();
      int at = rnd.nextInt(damaged.length);
      for (int i = at; i < Math.min(damaged.length, at + 1 + rnd.nextInt(8)); i++) {
        damaged[i] = (byte) rnd.nextInt(256);
      }
      Path data = copyWith(original, damaged, "damaged-" + round);
      try {
        start(data, "yes").stop(Duration.ZERO);
      } catch (AofLoadException refused) {
        assertThat(refused.getMessage()).as("seed %d at %d", SEED, at).contains("append");
        refusals++;
      }
    }
    System.out.printf("%d of 12 damaged files refused, the others loaded%n", refusals);
  }

  /** Whether {@code cut} falls where a command (here: each a SELECT or a SET) ends. */
  private static boolean isCommandBoundary(byte[] file, int cut) {
    return cut == 0
        || (cut >= 2 && file[cut - 2] == '\r' && file[cut - 1] == '\n' && file[cut] == '*');
  }
}
