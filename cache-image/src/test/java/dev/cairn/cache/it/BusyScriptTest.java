package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Scripts that outlive busy-reply-threshold, on Cairn and on Debian's redis-server side by side:
 * other clients get -BUSY (and only SCRIPT KILL / FUNCTION KILL / FUNCTION STATS / SHUTDOWN NOSAVE
 * go through), SCRIPT KILL stops a script that has not written and the caller gets its error, a
 * script that wrote is UNKILLABLE, SCRIPT KILL and FUNCTION KILL refuse each other's kind, and
 * SHUTDOWN NOSAVE stops the server under a busy script. Every reply is compared between the two.
 */
@org.junit.jupiter.api.Timeout(120)
class BusyScriptTest {
  private static final String LOOP = "local i = 0 while true do i = i + 1 end";
  private static final java.util.concurrent.ExecutorService callers =
      java.util.concurrent.Executors.newCachedThreadPool();

  /** Runs {@code scenario} against redis-server and Cairn, returning both transcripts. */
  private static List<List<String>> both(IntFunction<List<String>> scenario) throws Exception {
    assumeTrue(ReferenceRedis.installed(), "redis-server not installed");
    List<List<String>> out = new ArrayList<>();
    try (ReferenceRedis redis =
        ReferenceRedis.start("--save", "", "--busy-reply-threshold", "200")) {
      out.add(scenario.apply(redis.port()));
    }
    CacheEngine cairn = new CacheEngine(CacheConfig.forTest(0).with("busy-reply-threshold", "200"));
    cairn.start();
    try {
      out.add(scenario.apply(cairn.address().getPort()));
    } finally {
      cairn.stop(Duration.ofSeconds(1));
    }
    return out;
  }

  private static String run(Jedis j, String... command) {
    try {
      Object r =
          j.sendCommand(
              () -> command[0].getBytes(java.nio.charset.StandardCharsets.UTF_8),
              java.util.Arrays.copyOfRange(command, 1, command.length));
      return ScriptDifferentialTest.render(r);
    } catch (JedisDataException e) {
      return "-" + e.getMessage().replaceAll("script: [0-9a-f]{40}", "script: <sha>");
    }
  }

  /** Starts {@code command} on its own connection; completes with its reply. */
  private static CompletableFuture<String> background(int port, String... command) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
            return run(j, command);
          } catch (JedisConnectionException closed) {
            return "connection closed";
          }
        },
        callers);
  }

  private static void awaitBusy(Jedis other) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> run(other, "PING").startsWith("-BUSY"));
  }

  @Test
  void scriptKillStopsABusyScriptThatHasNotWritten() throws Exception {
    List<List<String>> transcripts =
        both(port -> {
          List<String> t = new ArrayList<>();
          try (Jedis other = new Jedis("127.0.0.1", port)) {
            t.add(run(other, "SCRIPT", "KILL"));
            CompletableFuture<String> eval = background(port, "EVAL", LOOP, "0");
            awaitBusy(other);
            t.add(run(other, "PING"));
            t.add(run(other, "GET", "k"));
            t.add(run(other, "SET", "k", "v"));
            t.add(run(other, "EVAL", "return 1", "0"));
            t.add(run(other, "SCRIPT", "LOAD", "return 1"));
            t.add(run(other, "FUNCTION", "STATS"));
            t.add(run(other, "FUNCTION", "KILL"));
            t.add(run(other, "SHUTDOWN"));
            t.add(run(other, "SCRIPT", "KILL"));
            t.add(eval.get(10, TimeUnit.SECONDS));
            t.add(run(other, "PING"));
            t.add(run(other, "SCRIPT", "KILL"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return t;
        });
    assertThat(transcripts.get(0))
        .contains(
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN"
                + " NOSAVE.",
            "-NOTBUSY No scripts in execution right now.");
    assertThat(transcripts.get(1)).containsExactlyElementsOf(transcripts.get(0));
  }

  /**
   * A command refused as BUSY fails the transaction it was sent in, and an EXEC refused as BUSY
   * discards its transaction (EXECABORT): nothing of it runs, the connection leaves MULTI.
   */
  @Test
  void aTransactionMeetingABusyScriptIsDiscarded() throws Exception {
    List<List<String>> transcripts =
        both(port -> {
          List<String> t = new ArrayList<>();
          try (Jedis other = new Jedis("127.0.0.1", port);
              Jedis tx = new Jedis("127.0.0.1", port);
              Jedis execOnly = new Jedis("127.0.0.1", port)) {
            t.add(run(other, "SET", "xx", "1"));
            t.add(run(tx, "MULTI"));
            t.add(run(tx, "INCR", "xx"));
            t.add(run(execOnly, "MULTI"));
            t.add(run(execOnly, "INCR", "xx"));
            CompletableFuture<String> eval = background(port, "EVAL", LOOP, "0");
            awaitBusy(other);
            t.add(run(tx, "INCR", "xx"));
            t.add(run(tx, "EXEC"));
            t.add(run(execOnly, "EXEC"));
            t.add(run(other, "SCRIPT", "KILL"));
            t.add(eval.get(10, TimeUnit.SECONDS));
            t.add(run(other, "GET", "xx"));
            t.add(run(tx, "PING", "out of multi"));
            t.add(run(execOnly, "PING", "out of multi"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return t;
        });
    assertThat(transcripts.get(0)).contains("\"1\"", "\"out of multi\"");
    assertThat(transcripts.get(0).get(6))
        .startsWith("-EXECABORT Transaction discarded because of: BUSY");
    assertThat(transcripts.get(1)).containsExactlyElementsOf(transcripts.get(0));
  }

  @Test
  void aScriptThatWroteIsUnkillableAndShutdownNosaveStopsTheServer() throws Exception {
    List<List<String>> transcripts =
        both(port -> {
          List<String> t = new ArrayList<>();
          try (Jedis other = new Jedis("127.0.0.1", port)) {
            CompletableFuture<String> eval =
                background(port, "EVAL", "redis.call('set', 'x', 'y') " + LOOP, "0");
            awaitBusy(other);
            t.add(run(other, "SCRIPT", "KILL"));
            t.add(run(other, "SHUTDOWN", "NOSAVE"));
          } catch (JedisConnectionException closed) {
            t.add("connection closed");
          }
          // the server is gone: nobody answers any more
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> {
                try (Jedis probe = new Jedis("127.0.0.1", port, 500)) {
                  probe.ping();
                  return false;
                } catch (JedisConnectionException gone) {
                  return true;
                }
              });
          t.add("stopped");
          return t;
        });
    assertThat(transcripts.get(0).get(0)).startsWith("-UNKILLABLE");
    assertThat(transcripts.get(1)).containsExactlyElementsOf(transcripts.get(0));
  }

  @Test
  void functionKillStopsABusyFunctionAndTheKillsRefuseTheOtherKind() throws Exception {
    String lib =
        "#!lua name=busy\nredis.register_function('spin', function(keys, args) " + LOOP + " end)";
    List<List<String>> transcripts =
        both(port -> {
          List<String> t = new ArrayList<>();
          try (Jedis other = new Jedis("127.0.0.1", port)) {
            t.add(run(other, "FUNCTION", "LOAD", lib));
            CompletableFuture<String> fcall = background(port, "FCALL", "spin", "0");
            awaitBusy(other);
            t.add(run(other, "PING"));
            t.add(run(other, "SCRIPT", "KILL"));
            String stats = run(other, "FUNCTION", "STATS");
            t.add(stats.replaceAll("duration_ms\"=Long:\\d+|\"duration_ms\", Long:\\d+", "D"));
            t.add(run(other, "FUNCTION", "KILL"));
            t.add(fcall.get(10, TimeUnit.SECONDS));
            t.add(run(other, "PING"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return t;
        });
    assertThat(transcripts.get(1)).containsExactlyElementsOf(transcripts.get(0));
  }
}
