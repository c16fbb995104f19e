package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.AcknowledgedWrites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic reconfiguration of a mixed ensemble (real processes on one zoo.cfg): a Cairn leader (3)
 * with Cairn 2 and ZooKeeper 1, and ZooKeeper 4 joining. One reconfig, asked through ZooKeeper 1
 * while clients write, adds 4 and removes 1. A ZooKeeper server puts a configuration in force only
 * when its leader says COMMITANDACTIVATE: afterwards every server shows the new configuration, each
 * ZooKeeper server runs with it (its {@code conf} membership and its dynamic config file, which a
 * plain COMMIT leaves as they were), and the new voters elect a leader among themselves once the
 * Cairn leader is killed, with no acknowledged write lost.
 */
class MixedEnsembleReconfigTest {
  private static final String SUPER = "super:test";
  private static final long TIMEOUT_MILLIS = 30_000;

  @Test
  void aCairnLeaderAddsAZooKeeperServerAndRemovesAnother(@TempDir Path dir) throws Exception {
    try (ProcessEnsemble ensemble =
        new ProcessEnsemble(
            dir,
            "-Dzookeeper.DigestAuthenticationProvider.superDigest="
                + DigestAuthenticationProvider.generateDigest(SUPER),
            ProcessEnsemble.LOG_QUORUM[0],
            ProcessEnsemble.LOG_QUORUM[1],
            ProcessEnsemble.LOG_QUORUM[2])) {
      Set<Integer> zooKeeper = Set.of(1, 4);
      for (int id = 1; id <= 4; id++) {
        ensemble.allocate(id);
      }
      for (int id = 1; id <= 4; id++) {
        // The joiner's zoo.cfg names the ensemble and itself, as ZooKeeper's procedure has it.
        Set<Integer> known = new TreeSet<>(Set.of(1, 2, 3));
        known.add(id);
        ensemble.writeConfig(
            id,
            ensemble.serverLines(known),
            zooKeeper.contains(id)
                ? new String[] {"reconfigEnabled=true", "4lw.commands.whitelist=*"}
                : new String[] {"reconfigEnabled=true"});
      }
      ensemble.startMixed(3, List.of(2, 1), zooKeeper);
      assertThat(ensemble.awaitLeader(Set.of(1, 2, 3), TIMEOUT_MILLIS)).isEqualTo(3);
      ensemble.startZooKeeper(4);
      ensemble.awaitLeader(Set.of(1, 2, 3, 4), TIMEOUT_MILLIS);

      CreateLoad load = CreateLoad.on(ensemble, ensemble.connectString(Set.of(1, 2, 3)), 2);
      AcknowledgedWrites<String> acked = load.acked();
      awaitAcked(acked, 50);

      ZooKeeperAdmin admin =
          ensemble.closeLater(
              new ZooKeeperAdmin(ensemble.connectString(Set.of(1)), 10_000, e -> {}));
      admin.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
      String four = ensemble.serverLines(Set.of(4)).getFirst();
      String config = text(admin.reconfigure(four, "1", null, -1, new Stat()));
      String version = config.substring(config.lastIndexOf("version=") + 8).trim();
      List<String> members = config.lines().filter(l -> l.startsWith("server.")).toList();
      // ZooKeeper answers a reconfig with the configuration it runs with once the reconfig commits.
      assertThat(members)
          .as("the configuration ZooKeeper 1 answers the reconfig with")
          .hasSize(3)
          .noneMatch(l -> l.startsWith("server.1="));
      assertThat(config).contains(four.replace(";", ":participant;"));
      awaitAcked(acked, acked.count() + 50);

      for (int id = 1; id <= 4; id++) {
        ZooKeeper zk = ensemble.connect(ensemble.connectString(Set.of(id)));
        MixedEnsembleQuorumTest.sync(zk, "/zookeeper/config");
        assertThat(text(zk.getConfig(false, new Stat())))
            .as("getConfig at server %d", id)
            .isEqualTo(config);
      }
      for (int id : zooKeeper) {
        assertThat(membershipInForce(ensemble, id))
            .as("the configuration ZooKeeper %d runs with", id)
            .containsExactlyInAnyOrderElementsOf(config.lines().toList());
        Path cfg = ensemble.configFile(id);
        assertThat(cfg.resolveSibling(cfg.getFileName() + ".dynamic." + version))
            .as("ZooKeeper %d's dynamic config file", id)
            .exists();
      }

      // The voters are 2, 3 and 4 now: without the Cairn leader, Cairn 2 and ZooKeeper 4 are a
      // quorum and one of them leads.
      ensemble.kill(3);
      int leader = ensemble.awaitLeader(Set.of(2, 4), TIMEOUT_MILLIS);
      awaitAcked(acked, acked.count() + 50);
      load.close();
      for (int id : List.of(2, 4)) {
        ZooKeeper reader = ensemble.connect(ensemble.connectString(Set.of(id)));
        MixedEnsembleQuorumTest.sync(reader, "/");
        List<String> children = reader.getChildren("/", false).stream().map(c -> "/" + c).toList();
        assertThat(acked.missingFrom(children)).as("acknowledged writes on %d", id).isEmpty();
      }
      System.out.printf(
          "mixed reconfig +4 -1 to version %s, then leader %d: %d creates acknowledged, none"
              + " lost%n",
          version, leader, acked.count());
    }
  }

  /**
   * The configuration ZooKeeper server {@code id} has in force: the lines after "membership:" in
   * its {@code conf}, read until they show a version (the server may still be rejoining).
   */
  private static List<String> membershipInForce(ProcessEnsemble ensemble, int id)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    String conf = "";
    while (System.nanoTime() < deadline) {
      conf = ensemble.fourLetterWord(id, "conf");
      int at = conf.indexOf("membership:");
      if (at >= 0 && conf.indexOf("version=", at) >= 0) {
        return conf.substring(at + "membership:".length()).trim().lines().toList();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server " + id + " shows no membership in conf: " + conf);
  }

  private static void awaitAcked(AcknowledgedWrites<String> acked, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    while (acked.count() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(acked.count()).as("creates acknowledged").isGreaterThanOrEqualTo(count);
  }

  private static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }
}
