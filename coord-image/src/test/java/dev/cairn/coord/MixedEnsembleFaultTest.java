package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.AcknowledgedWrites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed ensemble (Cairn 1 and 3, Apache ZooKeeper 3.9 2; real processes) loses members one at a
 * time by kill -9 under a create load, each coming back before the next goes: the Cairn leader (a
 * ZooKeeper server then leads Cairn), the ZooKeeper leader (Cairn leads the ZooKeeper server again,
 * which syncs its history from Cairn), then a Cairn follower. After each loss the others serve with
 * one leader, and no acknowledged create is missing from any server.
 */
class MixedEnsembleFaultTest {
  private static final long TIMEOUT_MILLIS = 60_000;

  @Test
  void survivesTheLossOfAnyMember(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      ensemble.configure(List.of(1, 2, 3));
      ensemble.startMixed(3, List.of(1, 2), Set.of(2));
      Set<Integer> all = Set.of(1, 2, 3);
      assertThat(ensemble.awaitLeader(all, TIMEOUT_MILLIS)).isEqualTo(3);

      CreateLoad load = CreateLoad.on(ensemble, ensemble.connectString(all), 2);
      AcknowledgedWrites<String> acked = load.acked();
      try {
        int leader = 3;
        // The Cairn leader, then (whoever leads then: ZooKeeper 2) the leader again, then Cairn 1.
        for (int victim : List.of(3, -1, 1)) {
          int lost = victim < 0 ? leader : victim;
          Thread.sleep(1_500);
          int before = acked.count();
          ensemble.kill(lost);
          Set<Integer> others = new HashSet<>(all);
          others.remove(lost);
          leader = ensemble.awaitLeader(others, TIMEOUT_MILLIS);
          Thread.sleep(1_500);
          assertThat(acked.count())
              .as("creates acknowledged after losing %d", lost)
              .isGreaterThan(before);
          for (int id : others) {
            assertThat(missing(acked, ensemble, id))
                .as("acknowledged creates missing at %d after losing %d", id, lost)
                .isEmpty();
          }
          ensemble.startAs(lost, Set.of(2));
          leader = ensemble.awaitLeader(all, TIMEOUT_MILLIS);
          System.out.printf(
              "lost %d: %d creates acknowledged, leader now %d%n", lost, acked.count(), leader);
        }
      } finally {
        load.close();
      }
      for (int id : all) {
        assertThat(missing(acked, ensemble, id))
            .as("acknowledged creates missing at %d at the end", id)
            .isEmpty();
      }
    }
  }

  /**
   * A server of either kind that comes back too far behind syncs from a whole snapshot (SNAP and
   * ZooKeeper's snapshot stream): ZooKeeper 2 from the Cairn leader, which snapshotted and dropped
   * the log it missed; then Cairn 3 (and Cairn 1) from ZooKeeper 2 leading, which is made to sync
   * every learner by snapshot (its {@code zookeeper.forceSnapshotSync} test switch).
   */
  @Test
  void aServerTooFarBehindSyncsFromTheOtherKindsSnapshot(@TempDir Path dir) throws Exception {
    // ZooKeeper's test switch: its leaders sync every learner by SNAP.
    String[] options = {
      ProcessEnsemble.LOG_QUORUM[0],
      ProcessEnsemble.LOG_QUORUM[1],
      "-Dzookeeper.forceSnapshotSync=true"
    };
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, options)) {
      List<Integer> ids = List.of(1, 2, 3);
      ensemble.configure(ids, "snapCount=40");
      Set<Integer> all = Set.of(1, 2, 3);
      ensemble.startMixed(3, List.of(1, 2), Set.of(2));
      assertThat(ensemble.awaitLeader(all, TIMEOUT_MILLIS)).isEqualTo(3);
      List<String> created = new ArrayList<>();

      ensemble.kill(2);
      create(ensemble.connect(ensemble.connectString(List.of(1, 3))), "/a", 300, created);
      ensemble.startZooKeeper(2);
      assertThat(ensemble.awaitLeader(all, TIMEOUT_MILLIS)).isEqualTo(3);
      ensemble.awaitLog(2, "Getting a snapshot from leader", TIMEOUT_MILLIS);
      assertThat(missingAt(ensemble, 2, created)).isEmpty();

      ensemble.kill(3);
      assertThat(ensemble.awaitLeader(Set.of(1, 2), TIMEOUT_MILLIS)).isEqualTo(2);
      create(ensemble.connect(ensemble.connectString(List.of(1, 2))), "/b", 300, created);
      ensemble.start(3);
      assertThat(ensemble.awaitLeader(all, TIMEOUT_MILLIS)).isEqualTo(2);
      ensemble.awaitLog(2, "Sending snapshot last zxid of peer", TIMEOUT_MILLIS);
      for (int id : ids) {
        assertThat(missingAt(ensemble, id, created)).as("missing at %d", id).isEmpty();
      }
    }
  }

  private static void create(ZooKeeper zk, String prefix, int count, List<String> created)
      throws Exception {
    for (int i = 0; i < count; i++) {
      String path = prefix + i;
      zk.create(path, path.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      created.add(path);
    }
  }

  private static List<String> missingAt(ProcessEnsemble ensemble, int id, List<String> expected)
      throws Exception {
    ZooKeeper zk = ensemble.connect(ensemble.connectString(List.of(id)));
    MixedEnsembleQuorumTest.sync(zk, "/");
    Set<String> found = new HashSet<>();
    zk.getChildren("/", false).forEach(c -> found.add("/" + c));
    return expected.stream().filter(path -> !found.contains(path)).toList();
  }

  /**
   * The creates acknowledged before a sync at server {@code id} that it does not serve after it
   * (the writers go on meanwhile: later ones may not be there yet).
   */
  private static List<String> missing(
      AcknowledgedWrites<String> acked, ProcessEnsemble ensemble, int id) throws Exception {
    ZooKeeper zk = ensemble.connect(ensemble.connectString(List.of(id)));
    List<String> before = acked.missingFrom(List.of());
    MixedEnsembleQuorumTest.sync(zk, "/");
    Set<String> found = new HashSet<>();
    zk.getChildren("/", false).forEach(c -> found.add("/" + c));
    return before.stream().filter(path -> !found.contains(path)).toList();
  }
}
