package dev.cairn.coord;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn and Apache ZooKeeper 3.9 servers ({@code QuorumPeerMain}, real processes on one zoo.cfg)
 * elect one leader together over ZooKeeper's election protocol. All start empty, so the highest id
 * wins once it is heard; it starts first so that the first election includes it. Either way the
 * decision needs both kinds: the lone server of its kind is the one elected.
 */
class MixedEnsembleElectionTest {
  private static final long TIMEOUT_MILLIS = 60_000;

  /** The test's logging quiets both quorums; the processes here log their roles, read below. */
  private static final String[] LOG_ROLES = {
    "-Dorg.slf4j.simpleLogger.log.dev.cairn.coord.quorum=info",
    "-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.server.quorum.QuorumPeer=info"
  };

  /**
   * Two ZooKeeper servers (1, 2) and one Cairn (3): Cairn leads, which needs a ZooKeeper server's
   * vote, and a ZooKeeper server that elected it follows it (MixedEnsembleQuorumTest checks what
   * they then replicate).
   */
  @Test
  void zooKeeperServersElectACairnLeader(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, LOG_ROLES)) {
      configure(ensemble);
      ensemble.start(3);
      ensemble.awaitElectionPort(3, TIMEOUT_MILLIS);
      ensemble.startZooKeeper(1);
      ensemble.startZooKeeper(2);
      ensemble.awaitLog(3, "server 3: LEADING (leader 3", TIMEOUT_MILLIS);
      ensemble.awaitLogOfAny(Set.of(1, 2), "QuorumPeer - FOLLOWING", TIMEOUT_MILLIS);
    }
  }

  /**
   * One ZooKeeper server (3) and two Cairn (1, 2): ZooKeeper leads, which needs a Cairn server's
   * vote, and a Cairn server decides to follow it.
   */
  @Test
  void cairnServersElectAZooKeeperLeader(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, LOG_ROLES)) {
      configure(ensemble);
      ensemble.startZooKeeper(3);
      ensemble.awaitElectionPort(3, TIMEOUT_MILLIS);
      ensemble.start(1);
      ensemble.start(2);
      ensemble.awaitLog(3, "QuorumPeer - LEADING", TIMEOUT_MILLIS);
      ensemble.awaitLogOfAny(Set.of(1, 2), ": FOLLOWING (leader 3,", TIMEOUT_MILLIS);
    }
  }

  private static void configure(ProcessEnsemble ensemble) throws Exception {
    List<Integer> ids = List.of(1, 2, 3);
    ids.forEach(ensemble::allocate);
    List<String> lines = ensemble.serverLines(ids);
    for (int id : ids) {
      ensemble.writeConfig(id, lines);
    }
  }
}
