package dev.cairn.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import dev.cairn.common.history.AcknowledgedWrites;
import dev.cairn.common.history.History;
import dev.cairn.common.history.Linearizability;
import dev.cairn.common.history.Register;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 3-server coordinator ensemble of real processes, each on its own address, under load from
 * ZooKeeper clients: the leader is cut off from both followers by the firewall. The majority elects
 * a new leader and goes on; the cut-off leader acknowledges nothing more; after healing it rejoins
 * as a follower, and every acknowledged write is there with a linearizable history.
 */
class EnsembleFaultTest {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final long CHECK_BUDGET = 10_000_000;

  @RegisterExtension final FaultHarness faults = new FaultHarness();
  private final Map<Integer, EngineProcess> servers = new TreeMap<>();

  private void startEnsemble() throws IOException {
    for (int id = 1; id <= 3; id++) {
      servers.put(id, faults.process("coord" + id));
    }
    List<String> lines = new ArrayList<>();
    servers.forEach(
        (id, p) -> lines.add("server." + id + "=" + p.address().getHostAddress() + ":2888:3888"));
    for (Map.Entry<Integer, EngineProcess> e : servers.entrySet()) {
      // Started together: none of them is ready before a quorum is.
      Engines.startCoordinator(e.getValue(), e.getKey(), lines, () -> true);
    }
  }

  private String connectString() {
    return servers.values().stream()
        .map(p -> p.address().getHostAddress() + ":" + Engines.COORD_CLIENT_PORT)
        .collect(Collectors.joining(","));
  }

  private static String mode(EngineProcess p) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(p.address(), Engines.COORD_CLIENT_PORT), 1_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      String srvr = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : srvr.split("\n")) {
        if (line.startsWith("Mode: ")) {
          return line.substring(6);
        }
      }
    } catch (IOException e) {
      return "unreachable";
    }
    return "not serving";
  }

  private int awaitLeader(List<Integer> among) {
    await()
        .atMost(AWAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() ->
            among.stream().filter(id -> mode(servers.get(id)).equals("leader")).count() == 1
                && among.stream()
                    .allMatch(id -> List.of("leader", "follower").contains(mode(servers.get(id)))));
    return among.stream()
        .filter(id -> mode(servers.get(id)).equals("leader"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theLeaderCutOffFromItsFollowersAcknowledgesNothingAndTheMajorityGoesOn() throws Exception {
    startEnsemble();
    int leader = awaitLeader(List.of(1, 2, 3));
    List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
    followers.remove(Integer.valueOf(leader));
    List<InetAddress> majority = followers.stream().map(id -> servers.get(id).address()).toList();
    String oldLeader =
        servers.get(leader).address().getHostAddress() + ":" + Engines.COORD_CLIENT_PORT;

    AcknowledgedWrites<String> creates;
    History<Register.Op, Register.Result> register;
    List<String> minorityAcks = new ArrayList<>();
    long electedMillis;
    try (CoordinatorLoad load = new CoordinatorLoad(connectString(), 2, 3, true);
        ZooKeeper isolated = CoordinatorLoad.connect(oldLeader)) {
      creates = load.creates();
      register = load.register();
      await().atMost(AWAIT).until(() -> creates.count() >= 100);

      faults.partition(List.of(servers.get(leader).address()), majority);
      long cut = System.nanoTime();
      // Whatever the cut-off leader is asked now, it can no longer commit.
      for (int i = 0; i < 20; i++) {
        isolated.create(
            "/minority-" + i,
            new byte[0],
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT,
            (rc, path, ctx, name) -> {
              if (rc == 0) {
                synchronized (minorityAcks) {
                  minorityAcks.add(name);
                }
              }
            },
            null);
      }
      int newLeader = awaitLeader(followers);
      electedMillis = (System.nanoTime() - cut) / 1_000_000;
      int beforeHeal = creates.count();
      await().atMost(AWAIT).until(() -> creates.count() >= beforeHeal + 100);

      faults.heal();
      assertThat(awaitLeader(List.of(1, 2, 3))).isEqualTo(newLeader);
      int afterHeal = creates.count();
      await().atMost(AWAIT).until(() -> creates.count() >= afterHeal + 50);
    }

    assertThat(minorityAcks).as("writes acknowledged by the cut-off leader").isEmpty();
    try (ZooKeeper zk = CoordinatorLoad.connect(connectString())) {
      zk.sync("/", (rc, path, ctx) -> {}, null);
      assertThat(zk.getChildren("/", false)).noneMatch(child -> child.startsWith("minority-"));
    }
    assertThat(creates.missingFrom(FaultHarnessTest.ackedNodes(connectString())))
        .as("acknowledged creates lost")
        .isEmpty();
    Linearizability.Result check =
        Linearizability.check(Register.MODEL, register.operations(), CHECK_BUDGET);
    if (!check.ok()) {
      register.operations().stream()
          .sorted(java.util.Comparator.comparingLong(o -> o.invokedAt()))
          .forEach(System.out::println);
    }
    assertThat(check.ok()).as(check.explanation()).isTrue();
    System.out.printf(
        "%d creates acknowledged, none lost; majority elected a new leader %d ms after the cut%n",
        creates.count(), electedMillis);
  }
}
