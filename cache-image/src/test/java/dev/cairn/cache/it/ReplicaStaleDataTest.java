package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A replica whose primary is unreachable, compared with redis-server 7.0 in the same state: with
 * replica-serve-stale-data no it answers only the stale commands (-MASTERDOWN for the rest, scripts
 * included unless they allow-stale); with yes it serves its data, and replica-read-only refuses
 * writes from scripts too.
 */
class ReplicaStaleDataTest {
  @TempDir Path dir;

  @Test
  void aReplicaWithItsLinkDownAnswersAsRedisDoes() throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    String nowhere = Integer.toString(FreePorts.next()); // nothing listens there
    CacheEngine cairn =
        new CacheEngine(
            CacheConfig.of(
                Map.of(
                    "port",
                    "0",
                    "admin-port",
                    "0",
                    "dir",
                    dir.toString(),
                    "replicaof",
                    "127.0.0.1 " + nowhere)));
    cairn.start();
    try (ReferenceRedis redis =
            // set to no once started: even PING is refused then, which its start waits for
            ReferenceRedis.start("--save", "", "--replicaof", "127.0.0.1", nowhere);
        Jedis c = new Jedis("127.0.0.1", cairn.address().getPort());
        Jedis r = new Jedis("127.0.0.1", redis.port())) {
      List<String> cairnReplies = replies(c);
      assertThat(cairnReplies).isEqualTo(replies(r));
      assertThat(cairnReplies)
          .contains(
              "GET k -> MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to"
                  + " 'no'.",
              "SET k v -> READONLY You can't write against a read only replica.",
              "ECHO hi -> hi");
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  private static List<String> replies(Jedis j) {
    List<String> out = new ArrayList<>();
    run(j, out, "CONFIG", "SET", "replica-serve-stale-data", "no");
    run(j, out, "PING");
    run(j, out, "GET", "k");
    run(j, out, "DBSIZE");
    run(j, out, "SET", "k", "v");
    run(j, out, "ECHO", "hi");
    run(j, out, "CONFIG", "GET", "replica-serve-stale-data");
    run(j, out, "CLIENT", "SETNAME", "x");
    run(j, out, "OBJECT", "FREQ", "k");
    run(j, out, "EVAL", "return 1", "0");
    run(j, out, "EVAL", "#!lua flags=no-writes\nreturn 1", "0");
    run(j, out, "EVAL", "#!lua flags=no-writes,allow-stale\nreturn 1", "0");
    run(j, out, "MULTI");
    run(j, out, "GET", "k");
    run(j, out, "EXEC");
    run(j, out, "MULTI");
    run(j, out, "ECHO", "x");
    run(j, out, "EXEC");
    run(j, out, "CONFIG", "SET", "replica-serve-stale-data", "yes");
    run(j, out, "GET", "k");
    run(j, out, "EVAL", "return redis.call('set','k','v')", "0");
    run(j, out, "EVAL", "return redis.pcall('set','k','v')", "0");
    run(j, out, "EVAL", "#!lua\nreturn redis.call('set','k','v')", "0");
    run(j, out, "MULTI");
    run(j, out, "SET", "k", "v");
    run(j, out, "EXEC");
    run(j, out, "CONFIG", "SET", "replica-read-only", "no");
    run(j, out, "SET", "k", "v");
    run(j, out, "EVAL", "return redis.call('incr','n')", "0");
    return out;
  }

  private static void run(Jedis j, List<String> out, String... argv) {
    String[] args = java.util.Arrays.copyOfRange(argv, 1, argv.length);
    Object reply;
    try {
      reply = j.sendCommand(() -> SafeEncoder.encode(argv[0]), args);
    } catch (JedisDataException e) {
      reply = e.getMessage();
    }
    out.add(String.join(" ", argv) + " -> " + render(reply));
  }

  private static String render(Object reply) {
    return switch (reply) {
      case null -> "nil";
      case byte[] b -> SafeEncoder.encode(b);
      case List<?> l -> l.stream().map(ReplicaStaleDataTest::render).toList().toString();
      default -> reply.toString();
    };
  }
}
