package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Which replica {@link SentinelState} promotes, driven with INFO replies as redis-server words
 * them: the lowest replica-priority first (0 never), then the highest offset, then the lowest run
 * id; SENTINEL FAILOVER sends REPLICAOF NO ONE to that one.
 */
class ReplicaSelectionTest {
  private static final Address MASTER = new Address("10.0.0.1", 6379);
  private long now = 1_000;

  private static String replicaInfo(String runId, int priority, long offset) {
    return "# Server\r\nrun_id:"
        + runId
        + "\r\n# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n"
        + "master_link_status:up\r\nslave_repl_offset:"
        + offset
        + "\r\nslave_priority:"
        + priority
        + "\r\n";
  }

  /** A sentinel that knows three replicas, their INFO as given and fresh. */
  private SentinelState sentinelWith(String... infos) {
    SentinelState s =
        new SentinelState(
            "a".repeat(40), new Address("10.0.0.9", 26379), 0, new SplittableRandom(1));
    s.monitor("m", MASTER, 1, now);
    StringBuilder master = new StringBuilder("role:master\r\nconnected_slaves:3\r\n");
    for (int i = 0; i < infos.length; i++) {
      master.append("slave").append(i).append(":ip=10.0.0.").append(i + 2);
      master.append(",port=6379,state=online,offset=1,lag=0\r\n");
    }
    s.replied(new Request("m", MASTER, Request.Kind.INFO, List.of()), master.toString(), now);
    for (int i = 0; i < infos.length; i++) {
      Address r = new Address("10.0.0." + (i + 2), 6379);
      s.replied(new Request("m", r, Request.Kind.INFO, List.of()), infos[i], now);
      s.replied(new Request("m", r, Request.Kind.PING, List.of()), "PONG", now);
    }
    s.drain();
    return s;
  }

  private Address promotedBy(SentinelState s) {
    s.failover("m", now);
    for (int t = 0; t < 5; t++) {
      now += 100;
      s.tick(now, now);
      for (Output o : s.drain()) {
        if (o instanceof Output.Send(Request r)
            && r.kind() == Request.Kind.REPLICAOF
            && r.args().isEmpty()) {
          return r.to();
        }
      }
    }
    return null;
  }

  @Test
  void lowestPriorityWinsOverAHigherOffset() {
    SentinelState s =
        sentinelWith(
            replicaInfo("c".repeat(40), 100, 900),
            replicaInfo("b".repeat(40), 10, 500),
            replicaInfo("a".repeat(40), 0, 1000));
    assertThat(promotedBy(s)).isEqualTo(new Address("10.0.0.3", 6379));
  }

  @Test
  void equalPrioritiesGoToTheHighestOffsetThenTheLowestRunId() {
    SentinelState byOffset =
        sentinelWith(
            replicaInfo("a".repeat(40), 100, 500),
            replicaInfo("b".repeat(40), 100, 700),
            replicaInfo("c".repeat(40), 100, 600));
    assertThat(promotedBy(byOffset)).isEqualTo(new Address("10.0.0.3", 6379));
    SentinelState byRunId =
        sentinelWith(
            replicaInfo("c".repeat(40), 100, 700),
            replicaInfo("b".repeat(40), 100, 700),
            replicaInfo("d".repeat(40), 100, 700));
    assertThat(promotedBy(byRunId)).isEqualTo(new Address("10.0.0.3", 6379));
  }

  @Test
  void replicasWithPriorityZeroAreNeverPromoted() {
    SentinelState s =
        sentinelWith(replicaInfo("a".repeat(40), 0, 900), replicaInfo("b".repeat(40), 0, 500));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.failover("m", now))
        .hasMessage("NOGOODSLAVE No suitable replica to promote");
  }
}
