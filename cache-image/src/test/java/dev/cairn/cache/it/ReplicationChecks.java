package dev.cairn.cache.it;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What the replication tests start, poll and read: Cairn servers, INFO fields, and a replica
 * catching up.
 */
final class ReplicationChecks {
  private ReplicationChecks() {}

  /** A started Cairn server on free ports with its files in {@code dir}, plus {@code extra}. */
  static CacheEngine cairn(Path dir, Map<String, String> extra) throws Exception {
    Map<String, String> config = new HashMap<>(extra);
    config.put("port", "0");
    config.put("admin-port", "0");
    config.put("dir", dir.toString());
    CacheEngine engine = new CacheEngine(CacheConfig.of(config));
    engine.start();
    return engine;
  }

  static int port(CacheEngine engine) {
    return engine.address().getPort();
  }

  static Jedis client(CacheEngine engine) {
    return new Jedis("127.0.0.1", port(engine));
  }

  /** Waits until the replica has applied everything the primary has sent. */
  static void caughtUp(Jedis primary, Jedis replica) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      String link = info(replica, "master_link_status");
      String offset = info(replica, "slave_repl_offset");
      String wanted = info(primary, "master_repl_offset");
      if ("up".equals(link) && wanted.equals(offset)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "replica did not catch up: link " + link + " offset " + offset + " of " + wanted);
      }
      Thread.sleep(50);
    }
  }

  /** A field of INFO replication, or null. */
  static String info(Jedis j, String field) {
    return field(j.info("replication"), field);
  }

  static String field(String info, String field) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    return null;
  }
}
