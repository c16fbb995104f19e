package dev.cairn.cache.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RdbFileTest {
  @TempDir Path dir;

  private Persistence persistence(Keyspace ks, String... settings) {
    Map<String, String> raw = new java.util.HashMap<>(Map.of("dir", dir.toString()));
    for (int i = 0; i < settings.length; i += 2) {
      raw.put(settings[i], settings[i + 1]);
    }
    Persistence p = new Persistence(ks, new Encodings(), "7.0.15");
    p.configure(CacheConfig.of(raw));
    return p;
  }

  /** Saves a filled keyspace with the given settings, loads it back, compares; returns the file. */
  private byte[] roundTrip(long seed, String... settings) throws Exception {
    Keyspace source = Datasets.emptyKeyspace();
    Datasets.fill(source, seed);
    persistence(source, settings).save();
    Keyspace loaded = Datasets.emptyKeyspace();
    persistence(loaded).load();
    assertThat(Datasets.describe(loaded)).isEqualTo(Datasets.describe(source));
    return Files.readAllBytes(dir.resolve("dump.rdb"));
  }

  @Test
  void everyTypeAndEncodingSurvivesSaveAndLoad() throws Exception {
    roundTrip(1, "rdbcompression", "yes");
    roundTrip(1, "rdbcompression", "no");
  }

  @Test
  void rdbchecksumNoWritesZeroAndLoadsWithoutChecking() throws Exception {
    byte[] file = roundTrip(2, "rdbchecksum", "no");
    for (int i = file.length - 8; i < file.length; i++) {
      assertThat(file[i]).isZero();
    }
  }

  /**
   * Truncations at every 97th byte and seeded single-bit flips: every one is refused with the file
   * named (a flip the structure does not reveal, inside a raw string, fails the CRC-64).
   */
  @Test
  void truncatedOrCorruptedFilesAreRefusedWithTheFileNamed() throws Exception {
    Keyspace source = Datasets.emptyKeyspace();
    Datasets.fill(source, 3);
    persistence(source).save();
    Path good = dir.resolve("dump.rdb");
    byte[] bytes = Files.readAllBytes(good);
    Path bad = dir.resolve("bad.rdb");
    for (int cut = 0; cut < bytes.length; cut += 97) {
      Files.write(bad, java.util.Arrays.copyOf(bytes, cut));
      assertRefused(bad, "cut at " + cut);
    }
    Random rnd = new Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] flipped = bytes.clone();
      int at = rnd.nextInt(flipped.length);
      flipped[at] ^= (byte) (1 << rnd.nextInt(8));
      Files.write(bad, flipped);
      assertRefused(bad, "flip at " + at);
    }
  }

  private void assertRefused(Path file, String what) {
    Keyspace ks = Datasets.emptyKeyspace();
    assertThatThrownBy(() -> persistence(ks, "dbfilename", "bad.rdb").load())
        .as(what)
        .isInstanceOf(RdbLoadException.class)
        .hasMessageContaining(file.toAbsolutePath().toString());
  }

  @Test
  void aSaveThatCannotWriteLeavesThePreviousFile() throws Exception {
    Keyspace ks = Datasets.emptyKeyspace();
    Datasets.fill(ks, 4);
    persistence(ks).save();
    byte[] before = Files.readAllBytes(dir.resolve("dump.rdb"));
    Path blocked = dir.resolve("blocked");
    Files.writeString(blocked, "a file where a directory should be");
    assertThatThrownBy(() -> persistence(ks, "dir", blocked.resolve("sub").toString()).save())
        .isInstanceOf(java.io.IOException.class);
    assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).isEqualTo(before);
  }
}
