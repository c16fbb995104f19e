package dev.cairn.cache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.sim.NetworkFaults;
import dev.cairn.common.sim.NodeEnv;
import dev.cairn.common.sim.Seeds;
import dev.cairn.common.sim.SimProcess;
import dev.cairn.common.sim.Simulator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link SentinelState} under the simulation kit: three sentinels watch a master and two replicas
 * (stand-ins that answer PING, INFO, PUBLISH and REPLICAOF as Redis does and replicate an offset),
 * over a lossy FIFO network with random delays, from one seed per run.
 *
 * <p>Invariants: at most one sentinel is elected leader in an epoch; a failover starts only when at
 * least the quorum of sentinels saw the master down; after the master crashes (and later comes
 * back) exactly one server is master, a former replica, every sentinel names it, and the old master
 * follows it; the replica promoted is one holding the highest offset any replica acknowledged (so a
 * write WAIT 1 confirmed survives). A master cut off from one sentinel only is never failed over.
 */
class SentinelSimulationTest {
  private static final int PRIMARY = 1;
  private static final List<Integer> SERVERS = List.of(1, 2, 3);
  private static final List<Integer> SENTINELS = List.of(11, 12, 13);
  private static final int QUORUM = 2;
  private static final String NAME = "mymaster";
  private static final String CONFIG = "sentinel.conf";

  sealed interface Msg {}

  record Cmd(long id, Request request) implements Msg {}

  record Reply(long id, Object value) implements Msg {}

  record Subscribe() implements Msg {}

  record Published(String payload) implements Msg {}

  record SyncRequest(long offset) implements Msg {}

  record SyncData(long offset) implements Msg {}

  static Address address(int node) {
    return new Address("10.0.0." + node, node >= 10 ? 26379 : 6379);
  }

  static int node(Address a) {
    return Integer.parseInt(a.host().substring(a.host().lastIndexOf('.') + 1));
  }

  /** A Redis stand-in: the role, an offset that grows on a primary, replication of it, pub/sub. */
  static final class Server implements SimProcess<Msg> {
    final NodeEnv<Msg> env;
    final String runId;
    Integer following;
    long offset;
    long lastSync = Long.MIN_VALUE / 4;

    /** The replicated offset this server had when REPLICAOF NO ONE made it a primary; -1 if not. */
    long offsetWhenPromoted = -1;

    final Map<Integer, Long> replicas = new TreeMap<>();
    final Set<Integer> subscribers = new HashSet<>();

    Server(NodeEnv<Msg> env, Integer following) {
      this.env = env;
      this.following = following;
      this.runId = hex(env.random().nextLong()) + hex(env.random().nextLong()) + "0".repeat(8);
    }

    boolean isMaster() {
      return following == null;
    }

    @Override
    public void tick() {
      long now = env.clock().monotonicMillis();
      if (isMaster()) {
        offset += 10; // clients write
      } else if (env.random().nextInt(3) != 0) {
        // replicas lag by different amounts: the one with the most data is not always the same
        env.transport().send(following, new SyncRequest(offset));
      }
      replicas.values().removeIf(seen -> now - seen > 2000);
    }

    @Override
    public void receive(int from, Msg message) {
      long now = env.clock().monotonicMillis();
      switch (message) {
        case SyncRequest r -> {
          replicas.put(from, now);
          env.transport().send(from, new SyncData(offset));
        }
        case SyncData d -> {
          if (following != null && from == following) {
            offset = d.offset();
            lastSync = now;
          }
        }
        case Subscribe s -> subscribers.add(from);
        case Cmd c -> env.transport().send(from, new Reply(c.id(), answer(c.request(), now)));
        default -> {}
      }
    }

    private Object answer(Request r, long now) {
      return switch (r.kind()) {
        case PING -> "PONG";
        case INFO -> info(now);
        case HELLO -> {
          for (int s : subscribers) {
            env.transport().send(s, new Published(r.args().get(0)));
          }
          yield (long) subscribers.size();
        }
        case REPLICAOF -> {
          if (r.args().isEmpty() && following != null) {
            offsetWhenPromoted = offset;
          }
          following = r.args().isEmpty() ? null : node(new Address(r.args().get(0), 6379));
          yield List.of("OK");
        }
        case ASK_DOWN -> new ErrorReply("ERR unknown command 'SENTINEL'");
      };
    }

    private String info(long now) {
      StringBuilder sb = new StringBuilder("# Server\r\nrun_id:" + runId + "\r\n");
      sb.append("# Replication\r\n");
      if (isMaster()) {
        sb.append("role:master\r\nmaster_repl_offset:").append(offset).append("\r\n");
        sb.append("connected_slaves:").append(replicas.size()).append("\r\n");
        int i = 0;
        for (int r : replicas.keySet()) {
          Address a = address(r);
          sb.append("slave").append(i++).append(":ip=").append(a.host()).append(",port=");
          sb.append(a.port()).append(",state=online,offset=").append(offset).append(",lag=0\r\n");
        }
      } else {
        Address m = address(following);
        boolean up = now - lastSync < 1000;
        sb.append("role:slave\r\nmaster_host:").append(m.host()).append("\r\nmaster_port:");
        sb.append(m.port()).append("\r\nmaster_link_status:").append(up ? "up" : "down");
        sb.append("\r\n");
        if (!up) {
          sb.append("master_link_down_since_seconds:5\r\n");
        }
        sb.append("slave_priority:100\r\nslave_repl_offset:").append(offset).append("\r\n");
      }
      return sb.toString();
    }

    @Override
    public void disconnected(int peer) {
      subscribers.remove(peer);
    }
  }

  /** An event a sentinel published, with what the invariants need of that moment. */
  record Seen(long time, int sentinel, String type, String text, long epoch) {}

  /** The driver of one sentinel's state machine over the simulated network. */
  static final class Sentinel implements SimProcess<Msg> {
    final NodeEnv<Msg> env;
    final SentinelState state;
    final List<Seen> events;
    final Map<Long, Request> pending = new HashMap<>();
    final Set<Integer> unsubscribed = new HashSet<>(SERVERS);
    long nextId;

    Sentinel(NodeEnv<Msg> env, List<Seen> events) {
      this.env = env;
      this.events = events;
      long now = env.clock().monotonicMillis();
      if (env.storage().exists(CONFIG)) {
        // a restart: what the sentinel wrote to its config file, as SentinelEngine reads it
        String text = new String(env.storage().readAll(CONFIG), StandardCharsets.UTF_8);
        this.state =
            SentinelConfig.restore(text.lines().toList(), address(env.id()), env.random(), now);
      } else {
        String id = hex(env.id()) + "0".repeat(24);
        this.state = new SentinelState(id, address(env.id()), 0, env.random());
        state.monitor(NAME, address(PRIMARY), QUORUM, now);
        state.set(NAME, "down-after-milliseconds", "3000");
        state.set(NAME, "failover-timeout", "6000");
      }
      run();
    }

    @Override
    public void tick() {
      for (int s : List.copyOf(unsubscribed)) {
        unsubscribed.remove(s);
        env.transport().send(s, new Subscribe());
      }
      state.tick(env.clock().monotonicMillis(), env.clock().wallMillis());
      run();
    }

    @Override
    public void receive(int from, Msg message) {
      long now = env.clock().monotonicMillis();
      switch (message) {
        case Reply r -> {
          Request req = pending.remove(r.id());
          if (req != null) {
            state.replied(req, r.value(), now);
          }
        }
        case Published p -> state.hello(p.payload(), now);
        case Cmd c -> env.transport().send(from, new Reply(c.id(), answer(c.request(), now)));
        default -> {}
      }
      run();
    }

    private Object answer(Request r, long now) {
      return switch (r.kind()) {
        case PING -> "PONG";
        case HELLO -> {
          if (Boolean.getBoolean("sentinel.debug")) {
            System.out.println(env.id() + " at " + now + " hello " + r.args().get(0));
          }
          state.hello(r.args().get(0), now);
          yield 1L;
        }
        case ASK_DOWN -> {
          SentinelState.Vote v =
              state.isMasterDownByAddr(
                  new Address(r.args().get(0), Integer.parseInt(r.args().get(1))),
                  Long.parseLong(r.args().get(2)),
                  r.args().get(3),
                  now);
          run(); // the vote is on disk before the reply leaves, as SentinelEngine does it
          yield List.of(v.down() ? 1L : 0L, v.leader(), v.leaderEpoch());
        }
        default -> new ErrorReply("ERR unknown command");
      };
    }

    private void run() {
      for (Output o : state.drain()) {
        switch (o) {
          case Output.Send s -> {
            long id = nextId++;
            pending.put(id, s.request());
            env.transport().send(node(s.request().to()), new Cmd(id, s.request()));
          }
          case Output.Event e -> {
            MonitoredMaster m = state.masterOrNull(NAME);
            events.add(
                new Seen(
                    env.clock().monotonicMillis(),
                    env.id(),
                    e.type(),
                    e.text(),
                    m == null ? -1 : m.failoverEpoch));
          }
          case Output.Reconnect r -> {} // the simulated servers take no password
          case Output.SaveConfig c ->
              env.storage()
                  .writeAtomically(
                      CONFIG,
                      String.join("\n", state.configLines()).getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    @Override
    public void disconnected(int peer) {
      // what was asked on the broken connection will not be answered
      pending.values().removeIf(r -> node(r.to()) == peer);
      if (SERVERS.contains(peer)) {
        unsubscribed.add(peer);
      }
    }
  }

  static String hex(long v) {
    return String.format("%016x", v);
  }

  private static Simulator<Msg> cluster(long seed, List<Seen> events) {
    Simulator<Msg> sim = new Simulator<>(seed, new NetworkFaults(1, 20, 0.002, 0, true), 100);
    for (int s : SERVERS) {
      sim.add(s, env -> new Server(env, s == PRIMARY ? null : PRIMARY));
    }
    for (int s : SENTINELS) {
      sim.add(s, env -> new Sentinel(env, events));
    }
    return sim;
  }

  private static Sentinel sentinel(Simulator<Msg> sim, int id) {
    return (Sentinel) sim.process(id);
  }

  private static Server server(Simulator<Msg> sim, int id) {
    return (Server) sim.process(id);
  }

  @Test
  void theMasterCrashesOneReplicaIsPromotedAndTheOldMasterRejoinsAsItsReplica() {
    Seeds.Summary summary =
        Seeds.run(
            1,
            40,
            4_000,
            seed -> {
              List<Seen> events = new ArrayList<>();
              Simulator<Msg> sim = cluster(seed, events);
              // long enough for the master's second INFO (every 10 s): the replicas attached after
              // the first
              sim.runFor(11_000 + sim.random().nextLong(4_000));
              assertThat(events).noneMatch(e -> e.type().equals("+try-failover"));
              sim.crash(PRIMARY);
              long crashedAt = sim.now();
              // what the replicas hold once the stream in flight has arrived: the most any of
              // them acknowledged (a write WAIT 1 confirmed is at most this far)
              sim.runFor(100);
              long acknowledged =
                  SERVERS.stream()
                      .filter(s -> s != PRIMARY)
                      .mapToLong(s -> server(sim, s).offset)
                      .max()
                      .orElseThrow();
              sim.runFor(15_000 + sim.random().nextLong(5_000));
              sim.restart(PRIMARY);
              sim.runFor(25_000);
              if (Boolean.getBoolean("sentinel.debug")) {
                events.forEach(System.out::println);
              }

              assertOneLeaderPerEpoch(events);
              assertFailoversFollowedQuorum(events, crashedAt);
              List<Integer> masters =
                  SERVERS.stream().filter(s -> server(sim, s).isMaster()).toList();
              assertThat(masters).as("servers that are master").hasSize(1);
              int promoted = masters.get(0);
              assertThat(promoted).isNotEqualTo(PRIMARY);
              for (int s : SERVERS) {
                if (s != promoted) {
                  assertThat(server(sim, s).following)
                      .as("server %d follows", s)
                      .isEqualTo(promoted);
                }
              }
              for (int s : SENTINELS) {
                assertThat(sentinel(sim, s).state.masterAddress(NAME))
                    .as("sentinel %d's master", s)
                    .isEqualTo(address(promoted));
              }
              long promotions =
                  events.stream().filter(e -> e.type().equals("+promoted-slave")).count();
              assertThat(promotions).as("promotions").isEqualTo(1);
              assertThat(server(sim, promoted).offsetWhenPromoted)
                  .as("the promoted replica's offset against the most acknowledged")
                  .isEqualTo(acknowledged);
            });
    assertThat(summary.runs()).isPositive();
  }

  @Test
  void aSentinelRestartedDuringTheFailoverKeepsItsVotesAndOneReplicaEndsUpMaster() {
    Seeds.run(
        2000,
        40,
        3_000,
        seed -> {
          List<Seen> events = new ArrayList<>();
          Simulator<Msg> sim = cluster(seed, events);
          sim.runFor(11_000 + sim.random().nextLong(4_000));
          sim.crash(PRIMARY);
          sim.runFor(100);
          long acknowledged = Math.max(server(sim, 2).offset, server(sim, 3).offset);
          // somewhere in detection, election or promotion, one sentinel dies and comes back
          sim.runFor(2_500 + sim.random().nextLong(4_000));
          int victim = SENTINELS.get(sim.random().nextInt(SENTINELS.size()));
          sim.crash(victim);
          sim.runFor(300 + sim.random().nextLong(3_000));
          sim.restart(victim);
          sim.runFor(45_000);
          if (Boolean.getBoolean("sentinel.debug")) {
            System.out.println("victim " + victim);
            events.forEach(System.out::println);
          }

          assertOneLeaderPerEpoch(events);
          Map<Long, Long> promotionsPerEpoch = new HashMap<>();
          for (Seen e : events) {
            if (e.type().equals("+promoted-slave")) {
              promotionsPerEpoch.merge(e.epoch(), 1L, Long::sum);
            }
          }
          assertThat(promotionsPerEpoch.values()).as("promotions per epoch").allMatch(n -> n == 1);
          List<Integer> masters =
              List.of(2, 3).stream().filter(s -> server(sim, s).isMaster()).toList();
          assertThat(masters).as("replicas that are master").hasSize(1);
          int promoted = masters.get(0);
          int other = promoted == 2 ? 3 : 2;
          assertThat(server(sim, other).following).isEqualTo(promoted);
          assertThat(server(sim, promoted).offsetWhenPromoted).isEqualTo(acknowledged);
          for (int s : SENTINELS) {
            assertThat(sentinel(sim, s).state.masterAddress(NAME))
                .as("sentinel %d's master", s)
                .isEqualTo(address(promoted));
          }
        });
  }

  @Test
  void aMasterCutOffFromOneSentinelOnlyIsNeverFailedOver() {
    Seeds.run(
        1000,
        40,
        2_000,
        seed -> {
          List<Seen> events = new ArrayList<>();
          Simulator<Msg> sim = cluster(seed, events);
          sim.runFor(5_000);
          int isolated = SENTINELS.get(sim.random().nextInt(SENTINELS.size()));
          sim.cutOneWay(PRIMARY, isolated);
          sim.cutOneWay(isolated, PRIMARY);
          sim.runFor(20_000);
          assertThat(events)
              .filteredOn(e -> e.type().equals("+sdown") && e.text().startsWith("master"))
              .extracting(Seen::sentinel)
              .containsOnly(isolated);
          assertThat(events).noneMatch(e -> e.type().equals("+odown"));
          assertThat(events).noneMatch(e -> e.type().equals("+try-failover"));
          for (int s : SENTINELS) {
            assertThat(sentinel(sim, s).state.masterAddress(NAME)).isEqualTo(address(PRIMARY));
          }
        });
  }

  /** No two sentinels are elected leader in the same epoch. */
  private static void assertOneLeaderPerEpoch(List<Seen> events) {
    Map<Long, Integer> leaders = new HashMap<>();
    for (Seen e : events) {
      if (e.type().equals("+elected-leader")) {
        Integer before = leaders.putIfAbsent(e.epoch(), e.sentinel());
        assertThat(before == null || before == e.sentinel())
            .as("epoch %d has leaders %s and %d", e.epoch(), before, e.sentinel())
            .isTrue();
      }
    }
    assertThat(leaders).isNotEmpty();
  }

  /**
   * A failover was tried only after the master crashed, by a sentinel that saw it down while at
   * least the quorum of sentinels (itself included) had seen it down too.
   */
  private static void assertFailoversFollowedQuorum(List<Seen> events, long crashedAt) {
    for (Seen t : events) {
      if (!t.type().equals("+try-failover")) {
        continue;
      }
      assertThat(t.time()).isGreaterThanOrEqualTo(crashedAt);
      Set<Integer> sawDown = new HashSet<>();
      for (Seen e : events) {
        if (e.type().equals("+sdown")
            && e.text().startsWith("master")
            && e.time() <= t.time()
            && e.time() >= crashedAt) {
          sawDown.add(e.sentinel());
        }
      }
      assertThat(sawDown).as("sentinels that saw the master down").contains(t.sentinel());
      assertThat(sawDown.size()).isGreaterThanOrEqualTo(QUORUM);
    }
  }
}
