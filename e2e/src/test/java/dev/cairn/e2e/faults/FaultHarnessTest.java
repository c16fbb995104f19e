package dev.cairn.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.common.history.AcknowledgedWrites;
import dev.cairn.common.history.History;
import dev.cairn.common.history.Linearizability;
import dev.cairn.common.history.Register;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The fault harness on the engines as they are today (one node each): real processes, real clients,
 * real signals and firewall rules, histories checked with the simulation kit's checkers.
 */
class FaultHarnessTest {
  /** A request to a reachable engine on loopback answers in milliseconds. */
  private static final Duration SHORT = Duration.ofMillis(500);

  /** Enough for a request held by a paused engine to be answered after it resumes. */
  private static final Duration LONG = Duration.ofSeconds(15);

  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final long CHECK_BUDGET = 10_000_000;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void coordinatorKeepsEveryAcknowledgedCreateAndALinearizableRegisterAcrossKillDashNine()
      throws Exception {
    EngineProcess coord = faults.process("coord");
    InetSocketAddress server = Engines.startCoordinator(coord);
    String connect = server.getHostString() + ":" + server.getPort();

    AcknowledgedWrites<String> creates;
    History<Register.Op, Register.Result> register;
    try (CoordinatorLoad load = new CoordinatorLoad(connect, 2, 3)) {
      creates = load.creates();
      register = load.register();
      await().atMost(AWAIT).until(() -> creates.count() >= 100);
      coord.kill();
      int beforeRestart = creates.count();
      coord.restart();
      // The clients reconnect and write on: acknowledged creates after the restart count too.
      await().atMost(AWAIT).until(() -> creates.count() >= beforeRestart + 100);
    }

    List<String> found = ackedNodes(connect);
    assertThat(creates.missingFrom(found)).as("acknowledged creates lost").isEmpty();
    assertThat(register.operations())
        .as("swaps of the register")
        .filteredOn(op -> op.input().kind() == Register.Kind.CAS && op.completed())
        .filteredOn(op -> op.output().ok())
        .hasSizeGreaterThan(20);
    Linearizability.Result check =
        Linearizability.check(Register.MODEL, register.operations(), CHECK_BUDGET);
    assertThat(check.ok()).as(check.explanation()).isTrue();

    assertThat(coord.stop()).as("exit status after SIGTERM").isZero();
    coord.restart();
    assertThat(ackedNodes(connect)).as("after a graceful stop").hasSameSizeAs(found);
  }

  @Test
  void aPartitionSilencesTheClientItCutsOffAndOnlyItUntilHealed() {
    EngineProcess cache = faults.process("cache");
    InetSocketAddress server = Engines.startCache(cache);
    BoundClient cutOff = new BoundClient(faults.clientAddress(), server, SHORT);
    BoundClient bystander = new BoundClient(faults.clientAddress(), server, SHORT);
    History<Register.Op, Register.Result> history = new History<>();
    RedisRegister fromCutOff = new RedisRegister("k", 1, history);
    RedisRegister fromBystander = new RedisRegister("k", 2, history);

    try (Jedis connected = cutOff.connect()) {
      fromCutOff.write(connected, 1);
      faults.partition(List.of(cutOff.source()), List.of(cache.address()));
      // Dropped on the way in, but TCP retransmits it after the heal: its outcome is unknown.
      assertThatThrownBy(() -> fromCutOff.write(connected, 2))
          .isInstanceOf(JedisConnectionException.class);
    }
    assertThatThrownBy(() -> ping(cutOff))
        .as("a new connection from the cut-off address")
        .isInstanceOf(JedisConnectionException.class);
    try (Jedis other = bystander.connect()) {
      assertThat(fromBystander.read(other)).as("the write sent into the partition").isEqualTo(1);
    }

    faults.heal();
    try (Jedis connected = cutOff.connect()) {
      fromCutOff.read(connected);
      fromCutOff.write(connected, 3);
      assertThat(fromCutOff.read(connected)).isEqualTo(3);
    }
    Linearizability.Result check =
        Linearizability.check(Register.MODEL, history.operations(), CHECK_BUDGET);
    assertThat(check.ok()).as(check.explanation()).isTrue();
  }

  @Test
  void aPausedCacheAnswersNothingAndResumesWithNothingLost() throws Exception {
    EngineProcess cache = faults.process("cache");
    InetSocketAddress server = Engines.startCache(cache);
    InetAddress client = faults.clientAddress();
    AcknowledgedWrites<String> writes = new AcknowledgedWrites<>();
    try (Jedis jedis = new BoundClient(client, server, SHORT).connect()) {
      for (int i = 0; i < 200; i++) {
        jedis.set("key" + i, "v");
        writes.acknowledged("key" + i);
      }
    }

    cache.pause();
    CompletableFuture<String> heldWrite =
        CompletableFuture.supplyAsync(() -> {
          try (Jedis patient = new BoundClient(client, server, LONG).connect()) {
            String reply = patient.set("held", "v");
            writes.acknowledged("held");
            return reply;
          }
        });
    assertThatThrownBy(() -> ping(new BoundClient(client, server, SHORT)))
        .as("a request to the paused engine")
        .isInstanceOf(JedisConnectionException.class);
    assertThat(heldWrite).as("a write held by the paused engine").isNotDone();

    cache.resume();
    assertThat(heldWrite.get(LONG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("OK");
    try (Jedis jedis = new BoundClient(client, server, SHORT).connect()) {
      assertThat(writes.missingFrom(new ArrayList<>(jedis.keys("*")))).isEmpty();
    }
  }

  private static void ping(BoundClient client) {
    try (Jedis jedis = client.connect()) {
      jedis.ping();
    }
  }

  static List<String> ackedNodes(String connect) throws Exception {
    try (ZooKeeper zk = CoordinatorLoad.connect(connect)) {
      return zk.getChildren(CoordinatorLoad.ACKED, false).stream()
          .map(child -> CoordinatorLoad.ACKED + "/" + child)
          .toList();
    }
  }
}
