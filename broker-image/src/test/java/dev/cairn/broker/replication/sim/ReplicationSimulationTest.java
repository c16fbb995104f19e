package dev.cairn.broker.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.metadata.PartitionStateMachine;
import dev.cairn.broker.replication.FetchPosition;
import dev.cairn.broker.replication.FollowerReplica;
import dev.cairn.broker.replication.IsrProposal;
import dev.cairn.broker.replication.LeaderReplica;
import dev.cairn.broker.replication.sim.SimReplicaLog.Entry;
import dev.cairn.common.sim.Nemesis;
import dev.cairn.common.sim.NetworkFaults;
import dev.cairn.common.sim.NodeEnv;
import dev.cairn.common.sim.Seeds;
import dev.cairn.common.sim.SimProcess;
import dev.cairn.common.sim.Simulator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/**
 * One partition with three replicas (RF 3, min.insync.replicas 2) under the seeded simulator: a
 * coordinator with broker sessions and the controller's rules, three brokers running {@link
 * LeaderReplica} / {@link FollowerReplica} over a disk that is never fsynced, and a client that
 * produces with acks=all and consumes from the leader. The nemesis crashes, pauses and isolates one
 * broker at a time (a crash loses any unsynced tail). Checked afterwards: every acknowledged record
 * is at its acknowledged offset in the final log; every record a consumer saw is still there (none
 * disappears, an offset never names two records); the replicas' logs agree and the ISR is whole
 * again.
 */
class ReplicationSimulationTest {
  private static final long TICK = 10;
  private static final int COORDINATOR = 0;
  private static final List<Integer> BROKERS = List.of(1, 2, 3);
  private static final int CLIENT = 10;
  private static final long SESSION_MS = 400;
  private static final long LAG_MS = 300;
  private static final int MIN_ISR = 2;

  // Broker <-> coordinator
  record Register() {}

  record Registered(long brokerEpoch) {}

  record Heartbeat(long brokerEpoch) {}

  record Expired() {}

  /** {@code written}: the coordinator's sequence number of the write, as a znode's mzxid. */
  record StateUpdate(PartitionState state, int version, long written) {}

  record WriteIsr(IsrProposal proposal) {}

  // Follower <-> leader
  record Fetch(FetchPosition position) {}

  record FetchReply(
      int leaderEpoch, LeaderReplica.FetchDecision decision, List<Entry> entries, String error) {}

  // Client <-> leader
  record Produce(long value) {}

  record Produced(long value, long offset, String error) {}

  record Read(long from) {}

  record ReadReply(List<Entry> entries) {}

  /** The coordinator with the controller folded in: sessions, partition state, fenced writes. */
  static final class Coordinator implements SimProcess<Object> {
    private final NodeEnv<Object> env;
    private final Map<Integer, long[]> sessions = new TreeMap<>(); // id -> {epoch, lastHeartbeat}
    private long zxid;
    private PartitionState state;
    private int version;
    private long written;
    private long lastBroadcast;

    Coordinator(NodeEnv<Object> env) {
      this.env = env;
    }

    @Override
    public void receive(int from, Object message) {
      long now = env.clock().monotonicMillis();
      switch (message) {
        case Register r -> {
          // As an ephemeral znode: a registration left by an earlier life must expire first.
          if (!sessions.containsKey(from)) {
            sessions.put(from, new long[] {++zxid, now});
            control();
            env.transport().send(from, new Registered(sessions.get(from)[0]));
          }
        }
        case Heartbeat h -> {
          long[] s = sessions.get(from);
          if (s != null && s[0] == h.brokerEpoch()) {
            s[1] = now;
          } else {
            env.transport().send(from, new Expired());
          }
        }
        case WriteIsr w -> {
          IsrProposal p = w.proposal();
          boolean fenced =
              state == null
                  || state.leader() != from
                  || state.leaderEpoch() != p.leaderEpoch()
                  || version != p.expectedVersion()
                  || !sessions.keySet().containsAll(p.isr());
          if (!fenced) {
            update(new PartitionState(from, state.leaderEpoch(), p.isr(), 1));
          }
        }
        default -> throw new IllegalStateException("unexpected " + message);
      }
    }

    @Override
    public void tick() {
      long now = env.clock().monotonicMillis();
      if (sessions.values().removeIf(s -> now - s[1] > SESSION_MS)) {
        control();
      }
      if (now - lastBroadcast >= 100) {
        broadcast();
      }
    }

    /** The controller: create the partition once all are up, then elect and shrink on deaths. */
    private void control() {
      Set<Integer> live = sessions.keySet();
      if (state == null) {
        if (live.containsAll(BROKERS)) {
          update(PartitionStateMachine.initial(BROKERS, live, 1));
        }
        return;
      }
      update(PartitionStateMachine.onLiveBrokersChanged(BROKERS, state, live, false, 1));
    }

    private void update(PartitionState next) {
      if (!next.equals(state)) {
        state = next;
        version++;
        written = ++zxid;
        broadcast();
      }
    }

    private void broadcast() {
      lastBroadcast = env.clock().monotonicMillis();
      if (state != null) {
        for (int id : BROKERS) {
          env.transport().send(id, new StateUpdate(state, version, written));
        }
        env.transport().send(CLIENT, new StateUpdate(state, version, written));
      }
    }
  }

  /** A broker: registration, leadership from the coordinator's state, replication, clients. */
  static final class Broker implements SimProcess<Object> {
    private final NodeEnv<Object> env;
    private final SimReplicaLog log;
    private long brokerEpoch = -1;
    private long lastSession;
    private int appliedVersion;
    private LeaderReplica leader;
    private FollowerReplica<List<Entry>> follower;
    private final TreeMap<Long, long[]> waiting = new TreeMap<>(); // offset -> {client, value}
    private boolean fetching;
    private long fetchSentAt;
    private IsrProposal sentProposal;
    private long proposalSentAt;
    private long lastCheckpoint;

    Broker(NodeEnv<Object> env) {
      this.env = env;
      this.log = new SimReplicaLog(env.storage());
    }

    private long now() {
      return env.clock().monotonicMillis();
    }

    @Override
    public void tick() {
      long now = now();
      if (now - lastSession >= 50) {
        lastSession = now;
        env.transport()
            .send(COORDINATOR, brokerEpoch < 0 ? new Register() : new Heartbeat(brokerEpoch));
      }
      if (leader != null) {
        leader.tick(now);
        writeProposal();
      }
      if (follower != null && (!fetching || now - fetchSentAt > 300)) {
        fetching = true;
        fetchSentAt = now;
        env.transport().send(follower.leaderId(), new Fetch(follower.position()));
      }
      if (now - lastCheckpoint >= 50) {
        lastCheckpoint = now;
        log.checkpoint();
      }
    }

    @Override
    public void disconnected(int peer) {
      if (follower != null && peer == follower.leaderId()) {
        fetching = false;
      }
    }

    @Override
    public void receive(int from, Object message) {
      switch (message) {
        case Registered r -> brokerEpoch = r.brokerEpoch();
        case Expired e -> brokerEpoch = -1;
        case StateUpdate u -> apply(u);
        case Fetch f -> serveFetch(from, f.position());
        case FetchReply r -> onFetchReply(r);
        case Produce p -> produce(from, p.value());
        case Read r -> {
          List<Entry> entries =
              leader == null ? List.of() : log.read(r.from(), log.highWatermark(), 50);
          env.transport().send(from, new ReadReply(entries));
        }
        default -> throw new IllegalStateException("unexpected " + message);
      }
    }

    /**
     * Leadership is taken only from a state the controller wrote after this broker registered (its
     * broker epoch): a broker restarted before its old session expired must not resume an epoch it
     * led in an earlier life with a log that lost its unsynced tail.
     */
    private void apply(StateUpdate u) {
      if (u.version() <= appliedVersion
          || u.state().leader() == env.id() && (brokerEpoch < 0 || u.written() < brokerEpoch)) {
        return;
      }
      appliedVersion = u.version();
      PartitionState st = u.state();
      int me = env.id();
      if (st.leader() == me) {
        if (leader == null || leader.leaderEpoch() != st.leaderEpoch()) {
          resign();
          follower = null;
          leader =
              new LeaderReplica(
                  me, BROKERS, st.leaderEpoch(), st.isr(), u.version(), log, now(), LAG_MS);
        } else {
          leader.onIsrCommitted(st.isr(), u.version());
          completeWaiting();
        }
        return;
      }
      resign();
      if (st.leader() < 0) {
        follower = null;
      } else if (follower == null
          || follower.leaderEpoch() != st.leaderEpoch()
          || follower.leaderId() != st.leader()) {
        follower = new FollowerReplica<>(log, st.leader(), st.leaderEpoch());
        fetching = false;
      }
    }

    private void resign() {
      if (leader != null) {
        leader = null;
        waiting.forEach((offset, w) ->
            env.transport().send((int) w[0], new Produced(w[1], -1, "NOT_LEADER_OR_FOLLOWER")));
        waiting.clear();
      }
    }

    private void serveFetch(int from, FetchPosition position) {
      if (leader == null) {
        env.transport()
            .send(
                from,
                new FetchReply(
                    position.currentLeaderEpoch(), null, List.of(), "NOT_LEADER_OR_FOLLOWER"));
        return;
      }
      try {
        LeaderReplica.FetchDecision d = leader.onFollowerFetch(from, position, now());
        List<Entry> entries =
            d instanceof LeaderReplica.Serve
                ? log.read(position.fetchOffset(), log.logEndOffset(), 20)
                : List.of();
        env.transport().send(from, new FetchReply(leader.leaderEpoch(), d, entries, null));
      } catch (KafkaException e) {
        env.transport()
            .send(
                from,
                new FetchReply(
                    position.currentLeaderEpoch(), null, List.of(), e.getClass().getSimpleName()));
      }
      writeProposal();
      completeWaiting();
    }

    private void onFetchReply(FetchReply r) {
      if (follower == null || r.leaderEpoch() != follower.leaderEpoch()) {
        return;
      }
      fetching = false;
      switch (r.decision()) {
        case LeaderReplica.Diverging d -> follower.onDiverging(d.epoch(), d.endOffset());
        case LeaderReplica.Serve s -> {
          // A reply to a fetch from before a truncation may not start at our log end.
          if (r.entries().isEmpty() || r.entries().get(0).offset() == log.logEndOffset()) {
            follower.onRecords(r.entries(), s.highWatermark());
          }
        }
        case null -> {}
      }
    }

    private void produce(int client, long value) {
      String error = null;
      if (leader == null) {
        error = "NOT_LEADER_OR_FOLLOWER";
      } else if (leader.isr().size() < MIN_ISR) {
        error = "NOT_ENOUGH_REPLICAS";
      }
      if (error != null) {
        env.transport().send(client, new Produced(value, -1, error));
        return;
      }
      long offset = log.appendAsLeader(leader.leaderEpoch(), value);
      waiting.put(offset, new long[] {client, value});
      leader.onLeaderAppend();
      completeWaiting();
    }

    private void completeWaiting() {
      if (leader == null) {
        return;
      }
      while (!waiting.isEmpty() && leader.isCommitted(waiting.firstKey() + 1)) {
        var e = waiting.pollFirstEntry();
        String error = leader.isr().size() < MIN_ISR ? "NOT_ENOUGH_REPLICAS_AFTER_APPEND" : null;
        env.transport()
            .send((int) e.getValue()[0], new Produced(e.getValue()[1], e.getKey(), error));
      }
    }

    private void writeProposal() {
      IsrProposal p = leader.pendingProposal();
      if (p != null && (!p.equals(sentProposal) || now() - proposalSentAt > 200)) {
        sentProposal = p;
        proposalSentAt = now();
        env.transport().send(COORDINATOR, new WriteIsr(p));
      }
    }
  }

  /** Produces with acks=all and consumes, recording what was acknowledged and what was seen. */
  static final class Client implements SimProcess<Object> {
    private final NodeEnv<Object> env;
    final Map<Long, Long> acked = new HashMap<>(); // value -> offset
    final Map<Long, Long> seen = new TreeMap<>(); // offset -> value
    final List<String> violations = new ArrayList<>();
    boolean stopped;
    private int leaderId = -1;
    private long nextValue = 1;
    private long readFrom;
    private long lastSend;

    Client(NodeEnv<Object> env) {
      this.env = env;
    }

    @Override
    public void tick() {
      long now = env.clock().monotonicMillis();
      if (stopped || leaderId < 0 || now - lastSend < 20) {
        return;
      }
      lastSend = now;
      env.transport().send(leaderId, new Produce(nextValue++));
      env.transport().send(leaderId, new Read(readFrom));
    }

    @Override
    public void receive(int from, Object message) {
      switch (message) {
        case StateUpdate u -> leaderId = u.state().leader();
        case Produced p -> {
          if (p.error() == null) {
            acked.put(p.value(), p.offset());
          }
        }
        case ReadReply r -> {
          for (Entry e : r.entries()) {
            Long before = seen.putIfAbsent(e.offset(), e.value());
            if (before != null && before != e.value()) {
              violations.add(
                  "offset " + e.offset() + " read as " + before + " and later as " + e.value());
            }
            readFrom = Math.max(readFrom, e.offset() + 1);
          }
        }
        default -> throw new IllegalStateException("unexpected " + message);
      }
    }
  }

  private static void run(long seed) {
    Simulator<Object> sim = new Simulator<>(seed, new NetworkFaults(1, 15, 0.005, 0, true), TICK);
    sim.add(COORDINATOR, Coordinator::new);
    for (int id : BROKERS) {
      sim.add(id, Broker::new);
    }
    Client[] client = new Client[1];
    sim.add(CLIENT, env -> client[0] = new Client(env));

    Nemesis nemesis =
        new Nemesis(
            sim,
            BROKERS,
            EnumSet.of(Nemesis.Fault.CRASH, Nemesis.Fault.PAUSE, Nemesis.Fault.PARTITION),
            1,
            200,
            1_500);
    sim.runFor(1_000);
    nemesis.start();
    sim.runFor(8_000);
    nemesis.stop();
    sim.runFor(1_500);
    client[0].stopped = true;

    boolean converged =
        sim.runUntil(
            () -> {
              Broker l = leaderOf(sim);
              return l != null
                  && l.leader.isr().size() == BROKERS.size()
                  && BROKERS.stream()
                      .allMatch(id ->
                          broker(sim, id).log.entries().equals(l.log.entries())
                              && broker(sim, id).log.highWatermark() == l.log.logEndOffset());
            },
            10_000);
    assertThat(converged)
        .as("seed %d: replicas converge with a whole ISR after healing: %s", seed, describe(sim))
        .isTrue();

    List<Entry> log = leaderOf(sim).log.entries();
    Client c = client[0];
    assertThat(c.violations).as("seed %d", seed).isEmpty();
    assertThat(c.acked).as("seed %d: something was acknowledged", seed).isNotEmpty();
    c.acked.forEach((value, offset) ->
        assertThat(offset < log.size() ? log.get((int) (long) offset).value() : null)
            .as("seed %d: acknowledged value %d at offset %d", seed, value, offset)
            .isEqualTo(value));
    c.seen.forEach((offset, value) ->
        assertThat(offset < log.size() ? log.get((int) (long) offset).value() : null)
            .as("seed %d: consumed value %d at offset %d is still there", seed, value, offset)
            .isEqualTo(value));
  }

  private static Broker broker(Simulator<Object> sim, int id) {
    return (Broker) sim.process(id);
  }

  private static Broker leaderOf(Simulator<Object> sim) {
    for (int id : BROKERS) {
      Broker b = broker(sim, id);
      if (sim.isUp(id) && b.leader != null) {
        return b;
      }
    }
    return null;
  }

  private static String describe(Simulator<Object> sim) {
    StringBuilder out = new StringBuilder();
    Broker l = leaderOf(sim);
    for (int id : BROKERS) {
      Broker b = broker(sim, id);
      out.append(
          String.format(
              "%n  %d: up=%s leader=%s isr=%s follower-of=%s leo=%d hw=%d",
              id,
              sim.isUp(id),
              b.leader != null,
              b.leader == null ? "-" : b.leader.isr(),
              b.follower == null ? "-" : b.follower.leaderId(),
              b.log.logEndOffset(),
              b.log.highWatermark()));
      if (l != null && b != l) {
        List<Entry> theirs = b.log.entries();
        List<Entry> ours = l.log.entries();
        for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
          if (!theirs.get(i).equals(ours.get(i))) {
            out.append(" first difference: ")
                .append(theirs.get(i))
                .append(" vs ")
                .append(ours.get(i));
            break;
          }
        }
      }
    }
    return out.toString();
  }

  @Test
  void acknowledgedRecordsSurviveAnySingleFailure() {
    Seeds.Summary summary = Seeds.run(1, 1_000, 20_000, ReplicationSimulationTest::run);
    System.out.println("replication: " + summary);
  }
}
