package dev.cairn.operator.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.common.testkit.FreePorts;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import dev.cairn.operator.ensemble.ServerState.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against a real three-server coordinator ensemble with the operator's whitelist. */
class FourLetterProbeTest {
  static final List<CoordinatorEngine> servers = new ArrayList<>();
  static final FourLetterProbe probe = new FourLetterProbe();

  @BeforeAll
  static void startEnsemble(@TempDir Path dir) throws Exception {
    Map<Integer, String> lines = new TreeMap<>();
    for (int id = 1; id <= 3; id++) {
      lines.put(id, "127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
    }
    for (int id = 1; id <= 3; id++) {
      Path dataDir = Files.createDirectories(dir.resolve("server" + id));
      Files.writeString(dataDir.resolve("myid"), id + "\n", StandardCharsets.US_ASCII);
      CoordinatorConfig.Builder config =
          CoordinatorConfig.builder(dataDir)
              .clientPort(0)
              .clientPortAddress("127.0.0.1")
              .adminPort(0)
              .adminAddress("127.0.0.1")
              .tickTime(200)
              .set(EnsembleWorkload.WHITELIST, "mntr,srvr");
      lines.forEach((n, line) -> config.set("server." + n, line));
      CoordinatorEngine engine = new CoordinatorEngine(config.build());
      engine.start();
      servers.add(engine);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> servers.stream().allMatch(CoordinatorEngine::ready));
  }

  @AfterAll
  static void stop() throws Exception {
    for (CoordinatorEngine engine : servers) {
      engine.stop(Duration.ZERO);
    }
  }

  @Test
  void findsOneLeaderWithBothFollowersInSyncAndEveryZxid() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          List<ServerState> states =
              servers.stream().map(s -> probe.probe("127.0.0.1", s.clientPort())).toList();
          assertThat(states).extracting(ServerState::role).containsOnlyOnce(Role.LEADER);
          assertThat(states)
              .filteredOn(s -> s.role() == Role.FOLLOWER)
              .hasSize(2)
              .allSatisfy(s -> assertThat(s.syncedFollowers()).isEqualTo(-1));
          assertThat(states)
              .filteredOn(s -> s.role() == Role.LEADER)
              .singleElement()
              .satisfies(s -> assertThat(s.syncedFollowers()).isEqualTo(2));
          assertThat(states).allSatisfy(s -> assertThat(s.zxid()).isNotNegative());
        });
  }

  @Test
  void aServerThatDoesNotAnswerIsUnknown() {
    assertThat(probe.probe("127.0.0.1", FreePorts.next())).isEqualTo(ServerState.UNKNOWN);
    assertThat(probe.probe("no-such-pod.invalid", 2181)).isEqualTo(ServerState.UNKNOWN);
  }

  @Test
  void readsTheNotServingAnswerOfAServerOutsideAQuorum() {
    assertThat(
            FourLetterProbe.parse(
                "This ZooKeeper instance is not currently serving requests\n", null))
        .isEqualTo(ServerState.NOT_SERVING);
  }
}
