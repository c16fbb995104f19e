package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SENTINEL RESET as Redis's sentinelResetMaster: besides forgetting replicas and sentinels it
 * clears the failover start time and the leader ("we can failover again ASAP"), so a master reset
 * after a failover was tried is failed over at once when it goes down, not two failover-timeouts
 * later.
 */
class SentinelResetMasterTest {
  private static final Address MASTER = new Address("10.0.0.1", 6379);
  private static final Address REPLICA = new Address("10.0.0.2", 6379);
  private long now = 1_000;

  @Test
  void aResetMasterThatGoesDownIsFailedOverAtOnce() {
    SentinelState s =
        new SentinelState(
            "a".repeat(40), new Address("10.0.0.9", 26379), 0, new SplittableRandom(1));
    s.monitor("m", MASTER, 1, now);
    s.set("m", "down-after-milliseconds", "1000");
    s.set("m", "failover-timeout", "60000");
    reply(
        s,
        MASTER,
        Request.Kind.INFO,
        "role:master\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=1,lag=0\r\n");
    reply(
        s,
        REPLICA,
        Request.Kind.INFO,
        "run_id:"
            + "b".repeat(40)
            + "\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n"
            + "master_link_status:up\r\nslave_repl_offset:1\r\nslave_priority:100\r\n");
    reply(s, REPLICA, Request.Kind.PING, "PONG");
    s.failover("m", now); // tried a moment ago: without the reset none may start for 120 s
    assertThat(s.reset(name -> true, now)).isEqualTo(1);
    s.drain();

    List<String> events = new ArrayList<>();
    for (int t = 0; t < 60 && !events.contains("+try-failover"); t++) {
      now += 100; // nothing answers from now on: the master goes down
      s.tick(now, now);
      for (Output o : s.drain()) {
        if (o instanceof Output.Event(String type, String text)) {
          events.add(type);
        }
      }
    }
    assertThat(events).contains("+sdown", "+odown", "+try-failover");
  }

  private void reply(SentinelState s, Address to, Request.Kind kind, String reply) {
    s.replied(new Request("m", to, kind, List.of()), reply, now);
  }
}
