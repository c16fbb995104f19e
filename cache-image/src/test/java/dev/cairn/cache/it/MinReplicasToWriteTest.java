package dev.cairn.cache.it;

import static dev.cairn.cache.it.ReplicationChecks.client;
import static dev.cairn.cache.it.ReplicationChecks.info;
import static dev.cairn.cache.it.ReplicationChecks.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.CacheEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * min-replicas-to-write / min-replicas-max-lag: a primary refuses writes with -NOREPLICAS while
 * fewer replicas than required acknowledged within the lag, with Redis's rules for scripts and
 * transactions (compared with redis-server), and accepts them again once a replica is back.
 */
class MinReplicasToWriteTest {
  private static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

  @RegisterExtension static final ReferenceRedis.PerClass redis = new ReferenceRedis.PerClass();

  @TempDir Path dir;

  @Test
  void withoutEnoughReplicasWritesScriptsAndTransactionsAreRefusedAsRedisRefusesThem()
      throws Exception {
    CacheEngine cairn = cairn(Map.of());
    try (Jedis c = client(cairn);
        Jedis r = new Jedis("127.0.0.1", redis.port())) {
      assertThat(refusals(c)).isEqualTo(refusals(r));
      assertThat(refusals(c))
          .contains(
              "SET -> " + NOREPLICAS,
              "EXEC -> EXECABORT Transaction discarded because of previous errors.",
              "min_slaves_good_slaves -> 0");
    } finally {
      cairn.stop(Duration.ZERO);
    }
  }

  /** What a primary answers with min-replicas-to-write 1 and no replica, then with the rule off. */
  private static List<String> refusals(Jedis j) {
    List<String> out = new ArrayList<>();
    j.configSet("min-replicas-to-write", "1");
    j.configSet("min-replicas-max-lag", "10");
    run(j, out, "SET", "k", "v");
    run(j, out, "GET", "k");
    run(j, out, "INCR", "n");
    run(j, out, "PUBLISH", "ch", "m");
    run(j, out, "EVAL", "return redis.call('set','k','v')", "0");
    run(j, out, "EVAL", "return redis.pcall('set','k','v')", "0");
    run(j, out, "EVAL", "#!lua\nreturn redis.call('set','k','v')", "0");
    run(j, out, "EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0");
    run(j, out, "EVAL", "return redis.call('get','k')", "0");
    run(j, out, "MULTI");
    run(j, out, "SET", "k", "v");
    run(j, out, "EXEC");
    run(j, out, "MULTI");
    run(j, out, "GET", "k");
    run(j, out, "EXEC");
    out.add("min_slaves_good_slaves -> " + info(j, "min_slaves_good_slaves"));
    out.add("min-slaves-to-write -> " + j.configGet("min-slaves-to-write"));
    j.configSet("min-replicas-max-lag", "0"); // either setting at 0 turns the rule off
    out.add("min_slaves_good_slaves -> " + info(j, "min_slaves_good_slaves"));
    run(j, out, "SET", "k", "v");
    j.configSet("min-replicas-to-write", "0");
    j.configSet("min-replicas-max-lag", "10");
    j.del("k");
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
    out.add(argv[0] + " -> " + render(reply));
  }

  private static String render(Object reply) {
    return switch (reply) {
      case null -> "nil";
      case byte[] b -> SafeEncoder.encode(b);
      case List<?> l -> l.stream().map(MinReplicasToWriteTest::render).toList().toString();
      default -> reply.toString();
    };
  }

  @Test
  void aReplicaLaggingOrGoneStopsWritesUntilOneAcknowledgesAgain() throws Exception {
    CacheEngine primary = cairn(Map.of("min-replicas-to-write", "1", "min-replicas-max-lag", "1"));
    CacheEngine cairnReplica = null;
    try (Jedis p = client(primary)) {
      assertThatThrownBy(() -> p.set("k", "0")).hasMessage(NOREPLICAS);

      try (RedisProcess replica =
              RedisProcess.start(
                  dir,
                  "--enable-debug-command",
                  "yes",
                  "--replicaof",
                  "127.0.0.1",
                  Integer.toString(port(primary)));
          Jedis sleeper = new Jedis("127.0.0.1", replica.port(), 10_000);
          Jedis tx = client(primary)) {
        until(() -> accepts(p), "writes accepted once redis-server replicates");
        assertThat(info(p, "min_slaves_good_slaves")).isEqualTo("1");
        // queued while the replica is good (Jedis's Transaction would send it only at EXEC)
        assertThat(render(tx.sendCommand(() -> SafeEncoder.encode("MULTI")))).isEqualTo("OK");
        assertThat(render(tx.sendCommand(() -> SafeEncoder.encode("SET"), "tx", "1")))
            .isEqualTo("QUEUED");

        // the replica stops acknowledging but stays connected
        var asleep =
            CompletableFuture.runAsync(
                () -> sleeper.sendCommand(() -> SafeEncoder.encode("DEBUG"), "SLEEP", "3"));
        until(() -> !accepts(p), "writes refused once the replica lags");
        assertThat(info(p, "min_slaves_good_slaves")).isEqualTo("0");
        assertThat(info(p, "connected_slaves")).isEqualTo("1");
        assertThatThrownBy(() -> tx.sendCommand(() -> SafeEncoder.encode("EXEC")))
            .hasMessage("EXECABORT Transaction discarded because of: " + NOREPLICAS);
        assertThat(p.get("k")).isEqualTo("1"); // reads go on

        until(() -> accepts(p), "writes accepted once the replica acknowledges again");
        asleep.join();
      }
      // the replica is gone
      until(() -> !accepts(p), "writes refused once the replica disconnected");

      cairnReplica = cairn(Map.of());
      try (Jedis c = client(cairnReplica)) {
        c.replicaof("127.0.0.1", port(primary));
        until(() -> accepts(p), "writes accepted once a Cairn replica replicates");
        // a Cairn replica ACKs every second: writes go on for longer than the lag
        long end = System.nanoTime() + 2_500_000_000L;
        while (System.nanoTime() < end) {
          assertThat(p.incr("n")).isPositive();
          Thread.sleep(100);
        }
      }
    } finally {
      if (cairnReplica != null) {
        cairnReplica.stop(Duration.ZERO);
      }
      primary.stop(Duration.ZERO);
    }
  }

  private static boolean accepts(Jedis p) {
    try {
      return "OK".equals(p.set("k", "1"));
    } catch (JedisDataException e) {
      assertThat(e).hasMessage(NOREPLICAS);
      return false;
    }
  }

  private static void until(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.get()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private CacheEngine cairn(Map<String, String> extra) throws Exception {
    return ReplicationChecks.cairn(dir, extra);
  }
}
