package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Append-only directories move between Debian's redis-server 7.0 and Cairn in both directions: the
 * interoperability dataset is written half before and half after a BGREWRITEAOF (so there is a base
 * with data and an incremental file), the directory is copied, the other server loads it with
 * {@code appendonly yes}, and the two are compared key by key. {@code redis-check-aof} accepts what
 * Cairn writes, with an RDB preamble and without.
 */
class AofRedisInteropTest {
  @TempDir Path dir;

  @Test
  void cairnLoadsWhatRedisAppends() throws Exception {
    Path redisDir = Files.createDirectories(dir.resolve("redis"));
    try (RedisProcess redis =
            RedisProcess.start(redisDir, "--appendonly", "yes", "--appendfsync", "always");
        Jedis r = redis.client()) {
      writeAroundARewrite(r);
      Path cairnDir = copy(redisDir.resolve("appendonlydir"), dir.resolve("cairn"));
      CacheEngine cairn = cairn(cairnDir, "yes");
      try (Jedis c = client(cairn)) {
        InteropDataset.assertSameData(r, c, true);
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  @Test
  void redisLoadsWhatCairnAppendsAndRedisCheckAofAcceptsIt() throws Exception {
    for (String preamble : new String[] {"yes", "no"}) {
      Path cairnDir = Files.createDirectories(dir.resolve("cairn-" + preamble));
      CacheEngine cairn = cairn(cairnDir, preamble);
      try (Jedis c = client(cairn)) {
        writeAroundARewrite(c);
        Path manifest = cairnDir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
        assertThat(Files.readString(manifest))
            .contains("appendonly.aof.2.base." + (preamble.equals("yes") ? "rdb" : "aof"));
        Process check =
            new ProcessBuilder("redis-check-aof", manifest.toString())
                .redirectErrorStream(true)
                .start();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(report).isZero();
        assertThat(report).contains("is valid");
        Path redisDir = copy(cairnDir.resolve("appendonlydir"), dir.resolve("redis-" + preamble));
        try (RedisProcess redis = RedisProcess.start(redisDir, "--appendonly", "yes");
            Jedis r = redis.client()) {
          InteropDataset.assertSameData(c, r, true);
        }
      } finally {
        cairn.stop(Duration.ZERO);
      }
    }
  }

  /** Half the dataset, BGREWRITEAOF, the rest (and changes) after it: a base and an incr file. */
  private static void writeAroundARewrite(Jedis j) {
    InteropDataset.populate(j);
    j.bgrewriteaof();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() ->
            j.info("persistence").contains("aof_rewrite_in_progress:0")
                && j.info("persistence").contains("aof_rewrite_scheduled:0"));
    j.select(3);
    j.set("after-rewrite", "yes");
    j.incrByFloat("float", 2.5);
    j.rpush("db3:list", "y", "z");
    j.lpop("db3:list");
    j.select(0);
    j.hset("hash:small", "added", "later");
    j.zincrby("zset:small", 10, "a");
    j.srem("set:strings", "b");
    j.del("int:neg");
    j.expire("int:small", 86_400);
  }

  /** The AOF directory {@code from} copied to {@code to}/appendonlydir. */
  private static Path copy(Path from, Path to) throws Exception {
    Path target = Files.createDirectories(to.resolve("appendonlydir"));
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return to;
  }

  private static CacheEngine cairn(Path dir, String preamble) throws Exception {
    CacheEngine engine =
        new CacheEngine(
            CacheConfig.of(
                Map.of(
                    "port", "0",
                    "admin-port", "0",
                    "dir", dir.toString(),
                    "appendonly", "yes",
                    "appendfsync", "always",
                    "aof-use-rdb-preamble", preamble)));
    engine.start();
    return engine;
  }

  private static Jedis client(CacheEngine engine) {
    return new Jedis("127.0.0.1", engine.address().getPort());
  }
}
