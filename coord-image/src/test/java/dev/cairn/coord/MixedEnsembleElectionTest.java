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

  /**
   * Two ZooKeeper servers (1, 2) and one Cairn (3): Cairn leads, which needs a ZooKeeper server's
   * vote, and a ZooKeeper server that elected it follows it (MixedEnsembleQuorumTest checks what
   * they then replicate).
   */
  @Test
  void zooKeeperServersElectACairnLeader(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      ensemble.configure(List.of(1, 2, 3));
      ensemble.startMixed(3, List.of(1, 2), Set.of(1, 2));
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
    try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, ProcessEnsemble.LOG_QUORUM)) {
      ensemble.configure(List.of(1, 2, 3));
      ensemble.startMixed(3, List.of(1, 2), Set.of(3));
      ensemble.awaitLog(3, "QuorumPeer - LEADING", TIMEOUT_MILLIS);
      ensemble.awaitLogOfAny(Set.of(1, 2), ": FOLLOWING (leader 3,", TIMEOUT_MILLIS);
    }
  }
}
