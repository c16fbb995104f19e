package dev.cairn.cache.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The checker for fork-less BGSAVE: writes of every kind (overwrite, delete, in-place collection
 * changes, expiry changes, new keys, FLUSHDB, SWAPDB) pipelined right behind BGSAVE run while the
 * snapshot is being walked, and the file still holds exactly the dataset at BGSAVE's start.
 */
class RdbBackgroundSaveTest {
  private static final int KEYS = 60_000;

  @TempDir Path dir;

  @Test
  void bgsaveWritesTheDatasetAsItWasAtItsStartWhileWritesContinue() throws Exception {
    CacheEngine engine =
        new CacheEngine(
            CacheConfig.of(Map.of("port", "0", "admin-port", "0", "dir", dir.toString())));
    engine.start();
    Map<String, String> atStart;
    try (Jedis j = new Jedis("127.0.0.1", engine.address().getPort())) {
      populate(j);
      // Nothing runs on the keyspace thread now: reading it from here is safe.
      atStart = Datasets.describe(engine.server().keyspace);

      Random rnd = new Random(99);
      Pipeline p = j.pipelined();
      Response<Object> started = p.sendCommand(Protocol.Command.BGSAVE, new String[0]);
      // Asked right behind BGSAVE: how long the save then takes depends on the machine, so the
      // overlap is proven for the writes that follow at once, not for all 20,000.
      Response<Object> during = p.sendCommand(Protocol.Command.INFO, "persistence");
      for (int n = 0; n < 20_000; n++) {
        String k = "k:" + rnd.nextInt(KEYS);
        switch (n % 9) {
          case 0 -> p.set(k, "changed");
          case 1 -> p.del(k);
          case 2 -> p.append(k, "+");
          case 3 -> p.rpush("list:" + rnd.nextInt(500), "pushed");
          case 4 -> p.hset("hash:" + rnd.nextInt(500), "f" + n, "v");
          case 5 -> p.sadd("set:" + rnd.nextInt(500), Integer.toString(n));
          case 6 -> p.zadd("zset:" + rnd.nextInt(500), n, "m");
          case 7 -> p.pexpire(k, 100_000);
          default -> p.set("new:" + n, "born after the start");
        }
      }
      p.sendCommand(Protocol.Command.SELECT, "1");
      p.sendCommand(Protocol.Command.FLUSHDB, new String[0]);
      p.sendCommand(Protocol.Command.SWAPDB, "2", "3");
      p.sendCommand(Protocol.Command.SELECT, "0");
      p.sync();
      assertThat(SafeEncoder.encode((byte[]) started.get())).isEqualTo("Background saving started");
      assertThat(SafeEncoder.encode((byte[]) during.get()))
          .as("the writes overlapped the save")
          .contains("rdb_bgsave_in_progress:1");

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (j.info("persistence").contains("rdb_bgsave_in_progress:1")) {
        assertThat(System.nanoTime()).as("BGSAVE finished").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(j.info("persistence")).contains("rdb_last_bgsave_status:ok");
    } finally {
      engine.stop(Duration.ZERO);
    }
    Keyspace loaded = Datasets.emptyKeyspace();
    Persistence reader = new Persistence(loaded, new Encodings(), "test");
    reader.configure(CacheConfig.of(Map.of("dir", dir.toString())));
    reader.load();
    Map<String, String> saved = Datasets.describe(loaded);
    assertThat(saved.keySet()).isEqualTo(atStart.keySet());
    atStart.forEach((k, v) -> assertThat(saved.get(k)).as(k).isEqualTo(v));
  }

  private static void populate(Jedis j) {
    Pipeline p = j.pipelined();
    for (int i = 0; i < KEYS; i++) {
      p.set("k:" + i, "value:" + i);
      if (i % 10 == 0) {
        p.pexpireAt("k:" + i, System.currentTimeMillis() + 3_600_000);
      }
    }
    for (int i = 0; i < 500; i++) {
      p.rpush("list:" + i, "a", "b", Integer.toString(i));
      p.hset("hash:" + i, Map.of("x", "1", "y", "two"));
      p.sadd("set:" + i, "1", "2", Integer.toString(i));
      p.zadd("zset:" + i, Map.of("a", 1.0, "b", 2.5));
    }
    for (int db : List.of(1, 2, 3)) {
      p.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
      for (int i = 0; i < 1000; i++) {
        p.set("db" + db + ":" + i, "v");
      }
    }
    p.sendCommand(Protocol.Command.SELECT, "0");
    p.sync();
  }
}
