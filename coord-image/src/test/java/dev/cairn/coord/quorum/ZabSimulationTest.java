package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.History;
import dev.cairn.common.history.Linearizability;
import dev.cairn.common.history.Operation;
import dev.cairn.common.history.Register;
import dev.cairn.common.history.Register.Op;
import dev.cairn.common.history.Register.Result;
import dev.cairn.common.sim.Nemesis;
import dev.cairn.common.sim.NetworkFaults;
import dev.cairn.common.sim.NodeEnv;
import dev.cairn.common.sim.Seeds;
import dev.cairn.common.sim.SimProcess;
import dev.cairn.common.sim.SimStorage;
import dev.cairn.common.sim.Simulator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Zab and FastLeaderElection under the seeded simulator: 3- and 5-server ensembles with clients,
 * while the nemesis crashes (losing unsynced writes, tearing the last), partitions, pauses and
 * jumps clocks; then everything heals. Checked on every seed: at most one leader per epoch; every
 * server applies the same txns in the same order (so no committed txn is lost or reordered by a
 * later leader); client histories are linearizable; after healing all servers converge and the
 * ensemble serves again.
 *
 * <p>Servers fsync their logs in the background, as the real server's fsync thread does, and each
 * seed picks how slow the disk is: fsyncs finish in the seed's order while servers take acks,
 * commits and requests, and a crash before one finished loses what it covered. Checked when a
 * message leaves: a learner's ACK of a proposal only once the proposal is durable on its disk, a
 * leader's COMMIT only once the txn is durable on a quorum of voters (the leader's own ack included
 * only after its fsync).
 *
 * <p>With reconfigurations, five servers run and a reconfiguring client moves the ensemble from
 * three voters to five and back to three (two of the five, at random, removed or made observers —
 * the leader too), again and again, while the nemesis strikes. Also checked then: every
 * configuration a server commits is exactly the one a committed reconfig txn named, at that txn's
 * zxid (never a mix of old and new), whether the server learned it by commit, from its leader or
 * from an election.
 *
 * <p>A failing seed is printed with its replay flag ({@code -Dcairn.sim.seed=N}). The two bugs this
 * found while it was written (a resumed node taking messages out of order; a looking server unable
 * to join a leader whose followers joined in different election rounds) are pinned by SimulatorTest
 * and FastLeaderElectionTest, which do not depend on this scenario's shape.
 */
class ZabSimulationTest {
  private static final long TICK = 50;
  private static final long FAULT_MILLIS = 6_000;
  private static final long CONVERGE_MILLIS = 12_000;

  /** Small, so snapshots, log compaction and SNAP syncs happen in every run. */
  private static final int SNAP_COUNT = 8;

  sealed interface ClientMessage {}

  record ClientRequest(int request, Op op) implements ClientMessage {}

  record ClientReply(int request, Result result) implements ClientMessage {}

  record NotServing(int request) implements ClientMessage {}

  /** Reconfigure to these servers (version set by the leader). */
  record Reconfigure(int request, Membership target) implements ClientMessage {}

  record Reconfigured(int request, Membership committed) implements ClientMessage {}

  /** What all servers must agree on, and who led which epoch. */
  private static final class Observed {
    final List<Txn> order = new ArrayList<>();
    final Map<Long, Integer> leaders = new HashMap<>();
    final Map<Long, Membership> reconfigs = new HashMap<>();

    void applied(int server, int position, Txn txn) {
      if (position < order.size()) {
        if (!order.get(position).equals(txn)) {
          throw new AssertionError(
              "server "
                  + server
                  + " applied "
                  + txn
                  + " at position "
                  + position
                  + " where "
                  + order.get(position)
                  + " was applied before");
        }
      } else if (position == order.size()) {
        order.add(txn);
        ReconfigTxn reconfig = ReconfigTxn.decode(txn.data());
        if (reconfig != null) {
          reconfigs.put(txn.zxid(), reconfig.config());
        }
      } else {
        throw new AssertionError("server " + server + " skipped to position " + position);
      }
    }

    /** A server committed {@code config}: exactly what a committed reconfig txn named. */
    void committedConfig(int server, Membership config) {
      if (config.version() == 0) {
        return; // zoo.cfg's own: a joiner's names itself too
      }
      Membership logged = reconfigs.get(config.version());
      if (logged == null || !logged.equals(config)) {
        throw new AssertionError(
            "server "
                + server
                + " committed configuration "
                + config
                + " but the committed txn at its zxid names "
                + logged);
      }
    }

    void leading(int server, long epoch) {
      Integer previous = leaders.putIfAbsent(epoch, server);
      if (previous != null && previous != server) {
        throw new AssertionError(
            "two leaders in epoch " + epoch + ": servers " + previous + " and " + server);
      }
    }
  }

  private static final class Server implements SimProcess<Object>, QuorumPeer.Listener {
    final NodeEnv<Object> env;
    final Observed observed;
    final List<Integer> servers;
    final IntFunction<SimStorage> disks;
    final QuorumPeer peer;
    long lastCommitChecked;
    final Map<String, Long> values = new HashMap<>();
    int applied;
    long snapshotZxid;
    byte[] snapshot;

    Server(
        NodeEnv<Object> env,
        QuorumConfig config,
        Observed observed,
        List<Integer> servers,
        IntFunction<SimStorage> disks) {
      this.env = env;
      this.observed = observed;
      this.servers = servers;
      this.disks = disks;
      this.peer = new QuorumPeer(config, env.clock(), this::send, env.storage(), env.fsync(), this);
      check();
    }

    /** Sends what the peer sends, once what it vouches for is durable where it must be. */
    private void send(int to, QuorumMessage message) {
      switch (message) {
        case QuorumMessage.Ack ack when Zxid.counter(ack.zxid()) != 0 -> {
          if (!durablyHolds(disks.apply(env.id()), ack.zxid())) {
            throw new AssertionError(
                "server " + env.id() + " acks " + Zxid.hex(ack.zxid()) + " before it is durable");
          }
        }
        case QuorumMessage.Commit commit -> checkCommitDurable(commit.zxid());
        case QuorumMessage.CommitAndActivate commit -> checkCommitDurable(commit.zxid());
        default -> {}
      }
      env.transport().send(to, message);
    }

    private void checkCommitDurable(long zxid) {
      if (zxid == lastCommitChecked) {
        return; // the same commit to the next learner
      }
      lastCommitChecked = zxid;
      Set<Integer> voters = peer.membership().voters();
      Set<Integer> holding = new TreeSet<>();
      for (int id : voters) {
        if (servers.contains(id) && durablyHolds(disks.apply(id), zxid)) {
          holding.add(id);
        }
      }
      if (!peer.membership().isQuorum(holding)) {
        throw new AssertionError(
            "leader "
                + env.id()
                + " commits "
                + Zxid.hex(zxid)
                + " durable only on "
                + holding
                + " of voters "
                + voters);
      }
    }

    @Override
    public void restore(long zxid, byte[] state) {
      values.clear();
      applied = 0;
      if (zxid == 0) {
        return;
      }
      java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(state);
      applied = in.getInt();
      int keys = in.getInt();
      for (int i = 0; i < keys; i++) {
        values.put("k" + in.getInt(), in.getLong());
      }
      Txn last = observed.order.get(applied - 1);
      if (last.zxid() != zxid) {
        throw new AssertionError(
            "server "
                + env.id()
                + " restored a snapshot at "
                + Zxid.hex(zxid)
                + " holding "
                + applied
                + " txns, but txn "
                + applied
                + " was "
                + last);
      }
    }

    @Override
    public void snapshotWanted(long zxid) {
      java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + values.size() * 12);
      out.putInt(applied);
      out.putInt(values.size());
      values.forEach((key, value) -> {
        out.putInt(Integer.parseInt(key.substring(1)));
        out.putLong(value);
      });
      snapshotZxid = zxid;
      snapshot = out.array();
    }

    @Override
    public void request(
        int from, byte[] request, java.util.List<org.apache.zookeeper.data.Id> auth) {
      long zxid = peer.nextZxid();
      ReconfigTxn reconfig = ReconfigTxn.decode(request);
      if (reconfig == null) {
        peer.propose(new Txn(zxid, request));
        return;
      }
      Membership next = reconfig.config().withVersion(zxid);
      if (peer.checkReconfig(next) == QuorumPeer.ReconfigCheck.OK) {
        ReconfigTxn txn =
            new ReconfigTxn(reconfig.origin(), reconfig.client(), reconfig.request(), next);
        peer.propose(new Txn(zxid, txn.encode()));
      } // else refused: the client times out and tries again
    }

    @Override
    public Membership membershipIn(Txn txn) {
      ReconfigTxn reconfig = ReconfigTxn.decode(txn.data());
      return reconfig == null ? null : reconfig.config();
    }

    @Override
    public void membershipChanged(Membership committed) {
      observed.committedConfig(env.id(), committed);
    }

    @Override
    public void apply(Txn txn) {
      observed.applied(env.id(), applied++, txn);
      ReconfigTxn reconfig = ReconfigTxn.decode(txn.data());
      if (reconfig != null) {
        if (reconfig.origin() == env.id()) {
          env.transport()
              .send(reconfig.client(), new Reconfigured(reconfig.request(), reconfig.config()));
        }
        return;
      }
      RegisterTxn t = RegisterTxn.decode(txn.data());
      Long current = values.get(t.op().key());
      Result result =
          switch (t.op().kind()) {
            case READ -> Result.read(current);
            case WRITE -> {
              values.put(t.op().key(), t.op().value());
              yield Result.OK;
            }
            case CAS -> {
              if (!t.op().expected().equals(current)) {
                yield Result.FAILED;
              }
              values.put(t.op().key(), t.op().value());
              yield Result.OK;
            }
          };
      if (t.origin() == env.id()) {
        env.transport().send(t.client(), new ClientReply(t.request(), result));
      }
    }

    @Override
    public void receive(int from, Object message) {
      switch (message) {
        case QuorumMessage m -> peer.receive(from, m);
        case ClientRequest(int request, Op op) -> {
          byte[] txn = new RegisterTxn(env.id(), from, request, op).encode();
          if (!peer.submit(txn, java.util.List.of())) {
            env.transport().send(from, new NotServing(request));
          }
        }
        case Reconfigure(int request, Membership target) ->
            peer.submit(
                new ReconfigTxn(env.id(), from, request, target).encode(), java.util.List.of());
        default -> throw new IllegalStateException("unexpected " + message);
      }
      check();
    }

    @Override
    public void tick() {
      if (snapshot != null) {
        // Handed back later, as a real server's apply thread does.
        byte[] state = snapshot;
        snapshot = null;
        peer.installSnapshot(snapshotZxid, state);
      }
      peer.tick();
      check();
    }

    @Override
    public void disconnected(int other) {
      peer.disconnected(other);
      check();
    }

    private void check() {
      if (peer.state() == ServerState.LEADING && peer.serving()) {
        observed.leading(env.id(), peer.currentEpoch());
      }
    }
  }

  /** Whether what a crash that keeps nothing unsynced leaves of {@code disk} holds {@code zxid}. */
  private static boolean durablyHolds(SimStorage disk, long zxid) {
    SimStorage durable = disk.durableCopy();
    QuorumSnapshot snapshot = QuorumSnapshot.read(durable);
    long base = snapshot == null ? 0 : snapshot.zxid();
    return zxid <= base || new QuorumLog(durable, base, txn -> null).holds(zxid);
  }

  /** One operation at a time against a random server; unknown outcome after a timeout. */
  private static final class Client implements SimProcess<Object> {
    final NodeEnv<Object> env;
    final History<Op, Result> history;
    final List<Integer> servers;
    final Map<Integer, Integer> requests = new HashMap<>();
    int pending = -1;
    int pendingRequest;
    int nextRequest;
    long sentAt;
    boolean stopped;

    Client(NodeEnv<Object> env, History<Op, Result> history, List<Integer> servers) {
      this.env = env;
      this.history = history;
      this.servers = servers;
    }

    @Override
    public void receive(int from, Object message) {
      switch (message) {
        case ClientReply(int request, Result result)
            when request == pendingRequest && pending >= 0 -> {
          history.ok(pending, result);
          pending = -1;
        }
        case NotServing(int request) when request == pendingRequest && pending >= 0 -> {
          history.fail(pending);
          pending = -1;
        }
        default -> {}
      }
    }

    @Override
    public void tick() {
      long now = env.clock().monotonicMillis();
      if (pending >= 0 && now - sentAt > 2_000) {
        history.info(pending);
        pending = -1;
      }
      if (pending >= 0 || stopped || env.random().nextInt(2) != 0) {
        return;
      }
      String key = "k" + env.random().nextInt(3);
      Op op =
          switch (env.random().nextInt(3)) {
            case 0 -> Op.write(key, env.random().nextLong(10));
            case 1 -> Op.read(key);
            default -> Op.cas(key, env.random().nextLong(10), env.random().nextLong(10));
          };
      pending = history.invoke(env.id(), op);
      pendingRequest = nextRequest++;
      sentAt = now;
      int server = servers.get(env.random().nextInt(servers.size()));
      env.transport().send(server, new ClientRequest(pendingRequest, op));
    }
  }

  /**
   * Moves the ensemble between three voters and all five, one reconfiguration at a time: adds the
   * missing servers (or makes observers voters again), then removes two at random or makes them
   * observers. A refused or lost request is tried again.
   */
  private static final class Reconfigurer implements SimProcess<Object> {
    final NodeEnv<Object> env;
    final List<Integer> servers;
    Membership known;
    int pendingRequest = -1;
    int nextRequest;
    long sentAt;
    int completed;
    boolean stopped;

    Reconfigurer(NodeEnv<Object> env, List<Integer> servers, Membership initial) {
      this.env = env;
      this.servers = servers;
      this.known = initial;
    }

    @Override
    public void receive(int from, Object message) {
      if (message instanceof Reconfigured(int request, Membership committed)
          && request == pendingRequest) {
        known = committed;
        pendingRequest = -1;
        completed++;
      }
    }

    @Override
    public void tick() {
      long now = env.clock().monotonicMillis();
      if (pendingRequest >= 0 && now - sentAt > 3_000) {
        pendingRequest = -1; // outcome unknown: decide again from what is known
      }
      if (pendingRequest >= 0 || stopped || env.random().nextInt(10) != 0) {
        return;
      }
      Set<Integer> voters = new TreeSet<>(servers);
      Set<Integer> observers = new TreeSet<>();
      if (known.voters().size() == servers.size()) {
        for (int i = 0; i < 2; i++) {
          List<Integer> left = new ArrayList<>(voters);
          int leaving = left.get(env.random().nextInt(left.size()));
          voters.remove(leaving);
          if (env.random().nextInt(3) == 0) {
            observers.add(leaving); // stays, as an observer
          }
        }
      }
      pendingRequest = nextRequest++;
      sentAt = now;
      int server = servers.get(env.random().nextInt(servers.size()));
      env.transport()
          .send(server, new Reconfigure(pendingRequest, TestMemberships.of(0, voters, observers)));
    }
  }

  /**
   * @param voters the voters zoo.cfg names
   * @param observers observers zoo.cfg names
   * @param joiners servers outside zoo.cfg's configuration, each knowing it and itself, that a
   *     reconfiguring client adds and removes (none: no reconfigurations)
   */
  private static void run(long seed, int voters, int observers, int joiners) {
    Observed observed = new Observed();
    History<Op, Result> history = new History<>();
    Simulator<Object> sim = new Simulator<>(seed, new NetworkFaults(1, 20, 0.005, 0, true), TICK);
    // A fast disk (fsyncs mostly finish before the acks they race with), or slower than the
    // network.
    sim.fsyncDelays(0, new long[] {1, 10, 40}[sim.random().nextInt(3)]);
    Membership initial = initial(voters, observers);
    List<Integer> servers = addServers(sim, initial, joiners, observed);
    List<Client> clients = new ArrayList<>();
    for (int id = 100; id < 105; id++) {
      sim.add(
          id,
          env -> {
            Client client = new Client(env, history, servers);
            clients.add(client);
            return client;
          });
    }
    List<Reconfigurer> reconfigurers = new ArrayList<>();
    if (joiners > 0) {
      sim.add(
          110,
          env -> {
            Reconfigurer r = new Reconfigurer(env, servers, initial);
            reconfigurers.add(r);
            return r;
          });
    }

    Nemesis nemesis =
        new Nemesis(sim, servers, EnumSet.allOf(Nemesis.Fault.class), (voters - 1) / 2, 150, 700);
    sim.runFor(1_000);
    nemesis.start();
    sim.runFor(FAULT_MILLIS);
    nemesis.stop();
    clients.forEach(client -> client.stopped = true);
    reconfigurers.forEach(r -> r.stopped = true);

    boolean converged =
        sim.runUntil(
            () -> {
              long leaders =
                  servers.stream()
                      .filter(id -> server(sim, id).peer.state() == ServerState.LEADING)
                      .count();
              return leaders == 1
                  && servers.stream()
                      .allMatch(id ->
                          server(sim, id).peer.serving()
                              && server(sim, id).applied == observed.order.size());
            },
            CONVERGE_MILLIS);
    assertThat(converged)
        .as(
            "servers converge after healing: %s, %d txns committed",
            describe(sim, servers), observed.order.size())
        .isTrue();
    Set<Membership> configs = new java.util.HashSet<>();
    servers.forEach(id -> configs.add(server(sim, id).peer.membership()));
    assertThat(configs).as("every server ends with the same configuration").hasSize(1);

    long completedBefore = history.operations().stream().filter(Operation::completed).count();
    clients.forEach(client -> client.stopped = false);
    // Longer than a client's timeout plus syncLimit: a learner still attached to a leadership that
    // ended (the simulator keeps connections a real server resets) notices within syncLimit.
    sim.runFor(4_000);
    assertThat(history.operations().stream().filter(Operation::completed).count())
        .as("operations succeed after healing: %s", describe(sim, servers))
        .isGreaterThan(completedBefore);

    Linearizability.Result result =
        Linearizability.checkByKey(Register.MODEL, history.byKey(Op::key), 2_000_000);
    assertThat(result.verdict())
        .as(result.explanation())
        .isNotEqualTo(Linearizability.Verdict.NOT_LINEARIZABLE);
    reconfigurations += observed.reconfigs.size();
  }

  private static Membership initial(int voters, int observers) {
    Set<Integer> voterIds = new TreeSet<>();
    Set<Integer> observerIds = new TreeSet<>();
    IntStream.rangeClosed(1, voters).forEach(voterIds::add);
    IntStream.rangeClosed(voters + 1, voters + observers).forEach(observerIds::add);
    return TestMemberships.of(0, voterIds, observerIds);
  }

  /**
   * Adds the servers of {@code initial} and {@code joiners} more after them, each of which knows
   * {@code initial} and itself; returns their ids.
   */
  private static List<Integer> addServers(
      Simulator<Object> sim, Membership initial, int joiners, Observed observed) {
    List<Integer> servers = new ArrayList<>(initial.servers().keySet());
    for (int id : servers) {
      QuorumConfig config = new QuorumConfig(id, initial, 2_000, 1_000, 200, SNAP_COUNT);
      sim.add(id, env -> new Server(env, config, observed, servers, sim::storage));
    }
    int first = servers.size() + 1;
    for (int id = first; id < first + joiners; id++) {
      Set<Integer> withMe = new TreeSet<>(initial.voters());
      withMe.add(id);
      Set<Integer> observers = new TreeSet<>(initial.servers().keySet());
      observers.removeAll(initial.voters());
      QuorumConfig config =
          new QuorumConfig(
              id, TestMemberships.of(0, withMe, observers), 2_000, 1_000, 200, SNAP_COUNT);
      servers.add(id);
      sim.add(id, env -> new Server(env, config, observed, servers, sim::storage));
    }
    return servers;
  }

  @Test
  void oneReconfigurationAtATimeAndOnlyWithASyncedQuorumOfTheNewVoters() {
    Simulator<Object> sim = new Simulator<>(42, new NetworkFaults(1, 20, 0, 0, false), TICK);
    List<Integer> servers = addServers(sim, initial(3, 0), 2, new Observed());
    java.util.function.Supplier<QuorumPeer> leader =
        () ->
            servers.stream()
                .map(id -> server(sim, id).peer)
                .filter(p -> p.state() == ServerState.LEADING && p.serving())
                .findFirst()
                .orElse(null);
    assertThat(
            sim.runUntil(
                () ->
                    leader.get() != null
                        && servers.stream().allMatch(id -> server(sim, id).peer.serving()),
                10_000))
        .isTrue();
    QuorumPeer l = leader.get();
    Membership five = TestMemberships.of(0, Set.copyOf(servers), Set.of());
    assertThat(l.checkReconfig(five)).isEqualTo(QuorumPeer.ReconfigCheck.OK);

    long zxid = l.nextZxid();
    l.batch(
        () -> l.propose(new Txn(zxid, new ReconfigTxn(0, 0, 0, five.withVersion(zxid)).encode())));
    assertThat(l.pendingMembership()).isEqualTo(five.withVersion(zxid));
    assertThat(l.checkReconfig(five))
        .as("a second reconfiguration while the first is not committed")
        .isEqualTo(QuorumPeer.ReconfigCheck.IN_PROGRESS);
    assertThat(
            sim.runUntil(
                () ->
                    servers.stream()
                        .allMatch(id -> server(sim, id).peer.membership().version() == zxid),
                5_000))
        .isTrue();

    sim.crash(4);
    sim.crash(5);
    sim.runFor(1_500); // past syncLimit: the crashed followers are not synced any more
    QuorumPeer now = leader.get();
    int leaderId =
        servers.stream().filter(id -> server(sim, id).peer == now).findFirst().orElseThrow();
    Membership withTheCrashed = TestMemberships.of(0, Set.of(leaderId, 4, 5), Set.of());
    assertThat(now.checkReconfig(withTheCrashed)).isEqualTo(QuorumPeer.ReconfigCheck.NO_QUORUM);
    assertThat(now.checkReconfig(TestMemberships.of(0, Set.of(1, 2, 3), Set.of())))
        .isEqualTo(QuorumPeer.ReconfigCheck.OK);
  }

  /**
   * Observers sync with a new leader in the same round trips as its followers, so their NEWLEADER
   * ACK may come before the followers' make the leader established: they serve with the leader all
   * the same, as ZooKeeper's observers do (its LearnerHandler waits for the leader's startup, then
   * sends UPTODATE) — not one initLimit later, when they give up and register again.
   */
  @Test
  void anObserverThatSyncedBeforeTheLeaderWasEstablishedServesWithIt() {
    for (long seed = 0; seed < 20; seed++) {
      Simulator<Object> sim = new Simulator<>(seed, new NetworkFaults(1, 20, 0, 0, true), TICK);
      List<Integer> servers = addServers(sim, initial(3, 2), 0, new Observed());
      // initLimit is 2 s: a stuck observer would serve only after it.
      assertThat(
              sim.runUntil(
                  () -> servers.stream().allMatch(id -> server(sim, id).peer.serving()), 1_500))
          .as("seed %d: every server serves within 1.5 s: %s", seed, describe(sim, servers))
          .isTrue();
    }
  }

  /** Committed reconfigurations over the seeds of one test, to show they happen. */
  private static long reconfigurations;

  private static Server server(Simulator<Object> sim, int id) {
    return (Server) sim.process(id);
  }

  private static String describe(Simulator<Object> sim, List<Integer> servers) {
    StringBuilder out = new StringBuilder();
    for (int id : servers) {
      Server s = server(sim, id);
      out.append(
          String.format(
              "%n  %d: %s serving=%b leader=%d epoch=%d logged=%s committed=%s applied=%d",
              id,
              s.peer.state(),
              s.peer.serving(),
              s.peer.leaderId(),
              s.peer.currentEpoch(),
              Zxid.hex(s.peer.lastLoggedZxid()),
              Zxid.hex(s.peer.committedZxid()),
              s.applied));
    }
    return out.toString();
  }

  @Test
  void threeServersWithAnObserver() {
    Seeds.Summary summary = Seeds.run(1_000, 2_000, 25_000, seed -> run(seed, 3, 1, 0));
    System.out.println("3 voters + 1 observer: " + summary);
  }

  @Test
  void fiveServers() {
    Seeds.Summary summary = Seeds.run(5_000, 1_500, 25_000, seed -> run(seed, 5, 0, 0));
    System.out.println("5 voters: " + summary);
  }

  @Test
  void reconfigurationsBetweenThreeAndFiveVoters() {
    reconfigurations = 0;
    Seeds.Summary summary = Seeds.run(9_000, 3_000, 25_000, seed -> run(seed, 3, 0, 2));
    System.out.println(
        "3 -> 5 -> 3 voters: " + summary + ", " + reconfigurations + " reconfigurations committed");
    assertThat(reconfigurations).isGreaterThan(summary.runs());
  }
}
