package dev.cairn.common.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.History;
import dev.cairn.common.history.Linearizability;
import dev.cairn.common.history.Linearizability.Verdict;
import dev.cairn.common.history.Register;
import dev.cairn.common.history.Register.Op;
import dev.cairn.common.history.Register.Result;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kit end to end: clients and register servers on the simulated network, histories checked for
 * linearizability. A single server is linearizable whatever the network does; a primary that
 * replicates asynchronously to a backup serving reads is not, and the checker must say so.
 */
class RegisterSimulationTest {
  private static final int PRIMARY = 1;
  private static final int BACKUP = 2;

  sealed interface Msg {}

  record Request(int id, Op op) implements Msg {}

  record Reply(int id, Result result) implements Msg {}

  record Replicate(String key, long value) implements Msg {}

  private static final class Server implements SimProcess<Msg> {
    final NodeEnv<Msg> env;
    final boolean replicates;
    final Map<String, Long> values = new HashMap<>();
    final Set<Integer> applied = new HashSet<>();

    Server(NodeEnv<Msg> env, boolean replicates) {
      this.env = env;
      this.replicates = replicates;
    }

    @Override
    public void receive(int from, Msg message) {
      switch (message) {
        case Request(int id, Op op) -> {
          // The network duplicates: a request applied twice would write twice.
          if (applied.add(id)) {
            env.transport().send(from, new Reply(id, apply(op)));
          }
        }
        case Replicate(String key, long value) -> values.put(key, value);
        case Reply r -> throw new IllegalStateException("a server got a reply");
      }
    }

    private Result apply(Op op) {
      Long current = values.get(op.key());
      return switch (op.kind()) {
        case READ -> Result.read(current);
        case WRITE -> {
          values.put(op.key(), op.value());
          if (replicates) {
            env.transport().send(BACKUP, new Replicate(op.key(), op.value()));
          }
          yield Result.OK;
        }
        case CAS -> {
          if (!op.expected().equals(current)) {
            yield Result.FAILED;
          }
          values.put(op.key(), op.value());
          yield Result.OK;
        }
      };
    }

    @Override
    public void tick() {}
  }

  /** Sends one operation at a time; gives up on it after 200 ms (outcome unknown). */
  private static final class Client implements SimProcess<Msg> {
    final NodeEnv<Msg> env;
    final History<Op, Result> history;
    final boolean readsFromBackup;
    int pending = -1;
    long sentAt;

    Client(NodeEnv<Msg> env, History<Op, Result> history, boolean readsFromBackup) {
      this.env = env;
      this.history = history;
      this.readsFromBackup = readsFromBackup;
    }

    @Override
    public void receive(int from, Msg message) {
      if (message instanceof Reply(int id, Result result) && id == pending) {
        history.ok(id, result);
        pending = -1;
      }
    }

    @Override
    public void tick() {
      if (pending >= 0 && env.clock().monotonicMillis() - sentAt > 200) {
        history.info(pending);
        pending = -1;
      }
      if (pending >= 0) {
        return;
      }
      String key = "k" + env.random().nextInt(2);
      long value = env.random().nextLong(5);
      Op op =
          switch (env.random().nextInt(3)) {
            case 0 -> Op.write(key, value);
            case 1 -> Op.read(key);
            default -> Op.cas(key, value, env.random().nextLong(5));
          };
      pending = history.invoke(env.id(), op);
      sentAt = env.clock().monotonicMillis();
      int server = readsFromBackup && op.kind() == Register.Kind.READ ? BACKUP : PRIMARY;
      env.transport().send(server, new Request(pending, op));
    }
  }

  private static Linearizability.Result run(long seed, boolean withBackup) {
    History<Op, Result> history = new History<>();
    Simulator<Msg> sim = new Simulator<>(seed, new NetworkFaults(1, 30, 0.05, 0.05, false), 5);
    sim.add(PRIMARY, env -> new Server(env, withBackup));
    sim.add(BACKUP, env -> new Server(env, false));
    for (int client = 10; client < 14; client++) {
      sim.add(client, env -> new Client(env, history, withBackup));
    }
    sim.runFor(2_000);
    return Linearizability.checkByKey(Register.MODEL, history.byKey(Op::key), 1_000_000);
  }

  @Test
  void oneServerIsLinearizableOverALossyNetwork() {
    Seeds.run(
        1,
        50,
        10_000,
        seed -> {
          Linearizability.Result result = run(seed, false);
          assertThat(result.verdict()).as(result.explanation()).isEqualTo(Verdict.LINEARIZABLE);
        });
  }

  @Test
  void readsFromAnAsynchronousBackupAreCaughtAsStale() {
    int caught = 0;
    for (long seed = 1; seed <= 20; seed++) {
      if (run(seed, true).verdict() == Verdict.NOT_LINEARIZABLE) {
        caught++;
      }
    }
    assertThat(caught).isGreaterThan(10);
  }
}
