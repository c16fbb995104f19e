package dev.cairn.cache.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Durability of acknowledged writes under SIGKILL: writer clients SET numbered keys and INCR a
 * counter each, one command at a time, remembering what was acknowledged; the cache process is
 * killed with -9 in the middle of that load (and of a BGREWRITEAOF), restarted on the same
 * directory, and every acknowledged write must be there. With {@code appendfsync always} that is
 * the contract; with {@code everysec} the reply also waits for the write(2) to the file, so a
 * process crash loses nothing acknowledged either (only a machine crash may lose the last second):
 * the test measures and prints the loss for both.
 */
class AofKillNineTest {
  private static final int WRITERS = 4;

  /** Keys written before the load, so the rewrite the kill interrupts takes a while. */
  private static final int PRELOADED = 300_000;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  /** What one writer had acknowledged when the process died. */
  private static final class Writer {
    final int id;
    final AtomicLong acked = new AtomicLong(-1);

    Writer(int id) {
      this.id = id;
    }
  }

  @Test
  void everyWriteAcknowledgedWithFsyncAlwaysSurvivesKillNine() throws Exception {
    assertThat(killUnderLoad("always")).isZero();
  }

  @Test
  void everysecLosesNoAcknowledgedWriteWhenOnlyTheProcessDies() throws Exception {
    assertThat(killUnderLoad("everysec")).isZero();
  }

  /** Returns how many acknowledged writes were missing after the restart. */
  private long killUnderLoad(String fsync) throws Exception {
    EngineProcess cache = faults.process("cache");
    String[] flags = {"--appendonly", "yes", "--appendfsync", fsync};
    CacheProcesses.start(cache, flags);
    try (Jedis j = CacheProcesses.client(cache)) {
      var p = j.pipelined();
      for (int i = 0; i < PRELOADED; i++) {
        p.set("preloaded:" + i, "v");
      }
      p.sync();
    }
    List<Writer> writers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    for (int w = 0; w < WRITERS; w++) {
      Writer writer = new Writer(w);
      writers.add(writer);
      threads.add(Thread.ofPlatform().start(() -> write(cache, writer, stop)));
    }
    Thread.sleep(1500);
    boolean killedDuringRewrite;
    try (Jedis admin = CacheProcesses.client(cache)) {
      admin.sendCommand(Protocol.Command.BGREWRITEAOF);
      Thread.sleep(50);
      killedDuringRewrite = admin.info("persistence").contains("aof_rewrite_in_progress:1");
    }
    cache.kill();
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    CacheProcesses.start(cache, flags);
    long lost = 0;
    long acknowledged = 0;
    try (Jedis j = CacheProcesses.client(cache)) {
      for (Writer w : writers) {
        long acked = w.acked.get();
        acknowledged += acked + 1;
        assertThat(acked).as("writer %d made progress", w.id).isGreaterThan(10);
        String counter = j.get("counter:" + w.id);
        long survived = counter == null ? 0 : Long.parseLong(counter);
        // the counter is one ahead when the last INCR was written but its reply not received
        assertThat(survived).as("counter of writer %d", w.id).isBetween(acked + 1, acked + 2);
        for (long i = 0; i <= acked; i++) {
          if (!String.valueOf(i).equals(j.get("key:" + w.id + ":" + i))) {
            lost++;
          }
        }
      }
      // every preloaded key, the counters, the surviving acknowledged keys and at most one
      // unacknowledged SET per writer
      long expected = PRELOADED + WRITERS + acknowledged - lost;
      assertThat(j.dbSize()).isBetween(expected, expected + WRITERS);
      System.out.printf(
          "appendfsync %s, kill -9 under load%s: %d writes acknowledged, %d lost%n",
          fsync, killedDuringRewrite ? " during a BGREWRITEAOF" : "", acknowledged, lost);
      assertThat(j.info("persistence")).contains("aof_enabled:1");
    }
    return lost;
  }

  /** SET key:w:i i then INCR counter:w, i = 0, 1, ... until the connection dies. */
  private static void write(EngineProcess cache, Writer w, AtomicBoolean stop) {
    try (Jedis j = CacheProcesses.client(cache)) {
      for (long i = 0; !stop.get(); i++) {
        j.set("key:" + w.id + ":" + i, String.valueOf(i));
        j.incr("counter:" + w.id);
        w.acked.set(i);
      }
    } catch (RuntimeException processKilled) {
      // the kill: whatever was not acknowledged may or may not be there
    }
  }
}
