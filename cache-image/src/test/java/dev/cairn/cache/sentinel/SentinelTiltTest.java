package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * TILT mode as Redis 7.0's sentinel has it: a timer that ran more than 2 s late or a clock that
 * went back puts the sentinel in TILT for 30 s, in which it keeps pinging but acts on nothing (no
 * SDOWN, no failover, "not down" to the other sentinels); {@code +tilt} and {@code -tilt} are
 * published and INFO shows {@code sentinel_tilt} and {@code sentinel_tilt_since_seconds}.
 */
class SentinelTiltTest {
  private static final Address MASTER = new Address("10.0.0.1", 6379);
  private static final Address REPLICA = new Address("10.0.0.2", 6379);
  @TempDir Path dir;

  private long now = 1_000;
  private long wall = 1_700_000_000_000L;
  private final List<Output.Event> events = new ArrayList<>();
  private final List<Request> sent = new ArrayList<>();

  /** A sentinel (quorum 1) watching a master with one replica, all answering. */
  private SentinelState sentinel() {
    SentinelState s =
        new SentinelState(
            "a".repeat(40), new Address("10.0.0.9", 26379), 0, new SplittableRandom(1));
    s.monitor("m", MASTER, 1, now);
    s.set("m", "down-after-milliseconds", "1000");
    s.replied(
        new Request("m", MASTER, Request.Kind.INFO, List.of()),
        "role:master\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=1,lag=0\r\n",
        now);
    s.drain();
    return s;
  }

  /** Ticks every 100 ms for {@code millis}; the replica answers PING and INFO, the master not. */
  private void run(SentinelState s, long millis) {
    for (long end = now + millis; now < end; ) {
      now += 100;
      wall += 100;
      s.tick(now, wall);
      for (Output o : s.drain()) {
        switch (o) {
          case Output.Event e -> events.add(e);
          case Output.Send(Request r) -> {
            sent.add(r);
            if (r.to().equals(REPLICA)) {
              s.replied(r, r.kind() == Request.Kind.INFO ? replicaInfo() : "PONG", now);
            }
          }
          default -> {}
        }
      }
    }
  }

  private static String replicaInfo() {
    return "run_id:"
        + "b".repeat(40)
        + "\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n"
        + "master_link_status:up\r\nslave_repl_offset:100\r\nslave_priority:100\r\n";
  }

  private List<String> types() {
    return events.stream().map(Output.Event::type).toList();
  }

  @Test
  void aStalledTimerEntersTiltAndNoFailoverStartsUntilItEnds() {
    SentinelState s = sentinel();
    run(s, 500);
    // the sentinel's process was stopped for 5 s: the master's silence is the sentinel's own
    now += 5_000;
    wall += 5_000;
    run(s, 100);
    assertThat(types()).containsExactly("+tilt");
    assertThat(events.get(0).text()).isEqualTo("#tilt mode entered");
    assertThat(s.tilt()).isTrue();
    assertThat(s.tiltSeconds(now)).isZero();

    sent.clear();
    run(s, 29_000);
    assertThat(types()).containsExactly("+tilt"); // no +sdown, +odown, +try-failover
    assertThat(s.tiltSeconds(now)).isEqualTo(29);
    assertThat(sent)
        .as("still monitoring")
        .anyMatch(r -> r.to().equals(MASTER) && r.kind() == Request.Kind.PING);
    assertThat(s.isMasterDownByAddr(MASTER, 0, "*", now).down()).isFalse();

    run(s, 2_000);
    assertThat(types()).startsWith("+tilt", "-tilt").contains("+sdown", "+odown", "+try-failover");
    assertThat(s.tilt()).isFalse();
    assertThat(s.tiltSeconds(now)).isEqualTo(-1);
    assertThat(s.isMasterDownByAddr(MASTER, 0, "*", now).down()).isTrue();
  }

  @Test
  void aClockSetBackEntersTiltAndAnotherJumpRestartsThePeriod() {
    SentinelState s = sentinel();
    s.set("m", "down-after-milliseconds", "600000"); // the master's silence does not matter here
    run(s, 500);
    now += 1_800; // a timer run 1.9 s after the previous one: not yet a stall
    wall += 1_800;
    run(s, 100);
    assertThat(s.tilt()).isFalse();
    wall -= 60_000;
    run(s, 100);
    assertThat(types()).containsExactly("+tilt");
    run(s, 20_000);
    wall += 10_000; // a second jump inside TILT: 30 s again from here, no second +tilt
    run(s, 29_000);
    assertThat(s.tilt()).isTrue();
    assertThat(types()).containsExactly("+tilt");
    run(s, 1_500);
    assertThat(types()).startsWith("+tilt", "-tilt");
  }

  /** A {@link Clock} a test can jump. */
  private static final class JumpingClock implements Clock {
    final AtomicLong wallOffset = new AtomicLong();

    @Override
    public long monotonicMillis() {
      return System.nanoTime() / 1_000_000;
    }

    @Override
    public long wallMillis() {
      return System.currentTimeMillis() + wallOffset.get();
    }
  }

  @Test
  void aRunningSentinelPublishesTiltAndInfoShowsIt() throws Exception {
    JumpingClock clock = new JumpingClock();
    SentinelEngine sentinel = TestSentinels.start(dir, clock);
    List<String> published = new CopyOnWriteArrayList<>();
    JedisPubSub listener =
        new JedisPubSub() {
          @Override
          public void onPMessage(String pattern, String channel, String message) {
            published.add(channel + " " + message);
          }
        };
    int port = sentinel.address().getPort();
    Thread subscriber =
        new Thread(() -> {
          try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.psubscribe(listener, "*tilt");
          }
        });
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      subscriber.start();
      await().atMost(Duration.ofSeconds(5)).until(listener::isSubscribed);
      assertThat(j.info("sentinel"))
          .contains("sentinel_tilt:0\r\n", "sentinel_tilt_since_seconds:-1\r\n");
      clock.wallOffset.addAndGet(-3_600_000); // the date set back an hour
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> published.contains("+tilt #tilt mode entered"));
      assertThat(j.info("sentinel"))
          .contains("sentinel_tilt:1\r\n")
          .containsPattern("sentinel_tilt_since_seconds:[0-9]+\r\n");
    } finally {
      listener.punsubscribe();
      subscriber.join(5_000);
      sentinel.stop(Duration.ZERO);
    }
  }
}
