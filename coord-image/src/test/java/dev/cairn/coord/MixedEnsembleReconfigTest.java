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
 * Dynamic reconfiguration of a mixed ensemble (real processes on one zoo.cfg), one incremental
 * reconfig adding a joiner and removing a member while clients write, led by either kind. A
 * ZooKeeper server puts a configuration in force only when its leader says COMMITANDACTIVATE:
 * afterwards every server shows the new configuration, each ZooKeeper server runs with it (its
 * {@code conf} membership and its dynamic config file, which a plain COMMIT leaves as they were),
 * the new voters lead, and no acknowledged write is lost.
 */
class MixedEnsembleReconfigTest {
  private static final String SUPER = "super:test";
  private static final long TIMEOUT_MILLIS = 30_000;

  @Test
  void aCairnLeaderAddsAZooKeeperServerAndRemovesAnother(@TempDir Path dir) throws Exception {
    Set<Integer> zooKeeper = Set.of(1, 4);
    try (ProcessEnsemble ensemble = ensemble(dir, zooKeeper, 4)) {
      CreateLoad load = started(ensemble, zooKeeper, Set.of(1, 2, 3));
      AcknowledgedWrites<String> acked = load.acked();

      // Asked through ZooKeeper 1, which answers with the configuration it runs with once the
      // reconfig commits.
      String config = reconfigure(ensemble, 1, 4, 1);
      awaitAcked(acked, acked.count() + 50);
      sameConfigEverywhere(ensemble, Set.of(1, 2, 3, 4), config);
      runWith(ensemble, zooKeeper, config);

      // The voters are 2, 3 and 4 now: without the Cairn leader, Cairn 2 and ZooKeeper 4 are a
      // quorum and one of them leads.
      ensemble.kill(3);
      int leader = ensemble.awaitLeader(Set.of(2, 4), TIMEOUT_MILLIS);
      awaitAcked(acked, acked.count() + 50);
      load.close();
      noneLost(ensemble, Set.of(2, 4), acked);
      System.out.printf(
          "Cairn leader 3: +4 -1, then leader %d: %d creates acknowledged, none lost%n",
          leader, acked.count());
    }
  }

  /**
   * A Cairn leader (3, with Cairn 2 and ZooKeeper 1) removes itself and adds ZooKeeper 4: it names
   * itself in COMMITANDACTIVATE, steps down at its next tick, and the new voters elect a leader
   * among themselves.
   */
  @Test
  void aCairnLeaderRemovesItselfAndAddsAZooKeeperServer(@TempDir Path dir) throws Exception {
    // Asked through Cairn 2: a ZooKeeper follower closes its clients' connections as soon as its
    // leader goes, and may not have answered the reconfig by then (ConnectionLoss).
    leaderRemovesItself(dir, Set.of(1, 4), 2, "Cairn");
  }

  /**
   * A ZooKeeper leader (3, with ZooKeeper 2 and Cairn 1) removes itself and adds Cairn 4: it names
   * a new voter that acknowledged the reconfig to lead (COMMITANDACTIVATE's leader id), and every
   * server goes to that one without an election, Cairn's as ZooKeeper's.
   */
  @Test
  void aZooKeeperLeaderRemovesItselfAndAddsACairnServer(@TempDir Path dir) throws Exception {
    leaderRemovesItself(dir, Set.of(2, 3), 1, "ZooKeeper");
  }

  /**
   * Leader 3 (of the kind {@code leaderKind}) removes itself and adds the joiner 4 by a reconfig
   * asked through {@code via} while clients write through 1 and 2: one of the new voters 1, 2 and 4
   * leads, every one of them shows the new configuration, the ZooKeeper servers run with it, and no
   * acknowledged write is lost.
   */
  private static void leaderRemovesItself(
      Path dir, Set<Integer> zooKeeper, int via, String leaderKind) throws Exception {
    try (ProcessEnsemble ensemble = ensemble(dir, zooKeeper, 4)) {
      CreateLoad load = started(ensemble, zooKeeper, Set.of(1, 2));
      AcknowledgedWrites<String> acked = load.acked();

      long before = System.nanoTime();
      String config = reconfigure(ensemble, via, 4, 3);
      int leader = ensemble.awaitLeader(Set.of(1, 2, 4), TIMEOUT_MILLIS);
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      awaitAcked(acked, acked.count() + 50);
      sameConfigEverywhere(ensemble, Set.of(1, 2, 4), config);
      runWith(ensemble, zooKeeper, config);
      load.close();
      noneLost(ensemble, Set.of(1, 2, 4), acked);
      System.out.printf(
          "%s leader 3: +4 -3, leader %d serving %d ms after the reconfig was asked: %d creates"
              + " acknowledged, none lost%n",
          leaderKind, leader, took, acked.count());
    }
  }

  /**
   * Four servers with ports, {@code joiner}'s zoo.cfg naming 1, 2, 3 and itself (as ZooKeeper's
   * procedure has it), the others' 1, 2, 3; reconfig enabled; the super user's digest set.
   */
  private static ProcessEnsemble ensemble(Path dir, Set<Integer> zooKeeper, int joiner)
      throws Exception {
    ProcessEnsemble ensemble =
        new ProcessEnsemble(
            dir,
            "-Dzookeeper.DigestAuthenticationProvider.superDigest="
                + DigestAuthenticationProvider.generateDigest(SUPER),
            ProcessEnsemble.LOG_QUORUM[0],
            ProcessEnsemble.LOG_QUORUM[1],
            ProcessEnsemble.LOG_QUORUM[2]);
    for (int id = 1; id <= 4; id++) {
      ensemble.allocate(id);
    }
    for (int id = 1; id <= 4; id++) {
      Set<Integer> known = new TreeSet<>(Set.of(1, 2, 3));
      known.add(id);
      ensemble.writeConfig(
          id,
          ensemble.serverLines(id == joiner ? known : Set.of(1, 2, 3)),
          zooKeeper.contains(id)
              ? new String[] {"reconfigEnabled=true", "4lw.commands.whitelist=*"}
              : new String[] {"reconfigEnabled=true"});
    }
    return ensemble;
  }

  /**
   * Starts 3 first (it leads: every server is empty), then 2 and 1, then the joiner 4, and two
   * writers through {@code writeVia}; returns once they have 50 creates acknowledged.
   */
  private static CreateLoad started(
      ProcessEnsemble ensemble, Set<Integer> zooKeeper, Set<Integer> writeVia) throws Exception {
    ensemble.startMixed(3, List.of(2, 1), zooKeeper);
    assertThat(ensemble.awaitLeader(Set.of(1, 2, 3), TIMEOUT_MILLIS)).isEqualTo(3);
    ensemble.startAs(4, zooKeeper);
    ensemble.awaitLeader(Set.of(1, 2, 3, 4), TIMEOUT_MILLIS);
    CreateLoad load = CreateLoad.on(ensemble, ensemble.connectString(writeVia), 2);
    awaitAcked(load.acked(), 50);
    return load;
  }

  /**
   * Adds {@code joining} and removes {@code leaving} by one incremental reconfig asked through
   * server {@code via}; returns the configuration it answers with, checked to be the new one.
   */
  private static String reconfigure(ProcessEnsemble ensemble, int via, int joining, int leaving)
      throws Exception {
    ZooKeeperAdmin admin =
        ensemble.closeLater(
            new ZooKeeperAdmin(ensemble.connectString(Set.of(via)), 10_000, e -> {}));
    admin.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
    String joiner = ensemble.serverLines(Set.of(joining)).getFirst();
    String config = text(admin.reconfigure(joiner, String.valueOf(leaving), null, -1, new Stat()));
    assertThat(config.lines().filter(l -> l.startsWith("server.")))
        .as("the configuration server %d answers the reconfig with", via)
        .hasSize(3)
        .noneMatch(l -> l.startsWith("server." + leaving + "="))
        .contains(joiner.replace(";", ":participant;"));
    return config;
  }

  /**
   * Every server's {@code getConfig} names the servers of {@code config} and its version. (The
   * order of the lines may differ: ZooKeeper keeps the reconfig txn's text, Cairn writes its
   * configurations sorted by server id.)
   */
  private static void sameConfigEverywhere(
      ProcessEnsemble ensemble, Set<Integer> ids, String config) throws Exception {
    for (int id : ids) {
      ZooKeeper zk = ensemble.connect(ensemble.connectString(Set.of(id)));
      MixedEnsembleQuorumTest.sync(zk, "/zookeeper/config");
      assertThat(text(zk.getConfig(false, new Stat())).lines())
          .as("getConfig at server %d", id)
          .containsExactlyInAnyOrderElementsOf(config.lines().toList());
    }
  }

  /**
   * Each of the ZooKeeper servers {@code ids} runs with {@code config}: its {@code conf} shows it
   * as membership, and it wrote its dynamic config file — what a plain COMMIT leaves undone.
   */
  private static void runWith(ProcessEnsemble ensemble, Set<Integer> ids, String config)
      throws Exception {
    String version = config.substring(config.lastIndexOf("version=") + 8).trim();
    for (int id : ids) {
      assertThat(membershipInForce(ensemble, id, version))
          .as("the configuration ZooKeeper %d runs with", id)
          .containsExactlyInAnyOrderElementsOf(config.lines().toList());
      Path cfg = ensemble.configFile(id);
      assertThat(cfg.resolveSibling(cfg.getFileName() + ".dynamic." + version))
          .as("ZooKeeper %d's dynamic config file", id)
          .exists();
    }
  }

  private static void noneLost(
      ProcessEnsemble ensemble, Set<Integer> ids, AcknowledgedWrites<String> acked)
      throws Exception {
    for (int id : ids) {
      ZooKeeper reader = ensemble.connect(ensemble.connectString(Set.of(id)));
      MixedEnsembleQuorumTest.sync(reader, "/");
      List<String> children = reader.getChildren("/", false).stream().map(c -> "/" + c).toList();
      assertThat(acked.missingFrom(children)).as("acknowledged writes on %d", id).isEmpty();
    }
  }

  /**
   * The configuration ZooKeeper server {@code id} has in force: the lines after "membership:" in
   * its {@code conf}, read until they show {@code version} (a server that rejoins a leader after
   * the reconfig may not serve yet) or the time is up.
   */
  private static List<String> membershipInForce(ProcessEnsemble ensemble, int id, String version)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    String conf = "";
    while (System.nanoTime() < deadline) {
      conf = ensemble.fourLetterWord(id, "conf");
      int at = conf.indexOf("membership:");
      if (at >= 0 && conf.contains("version=" + version)) {
        break;
      }
      Thread.sleep(50);
    }
    int at = conf.indexOf("membership:");
    if (at < 0) {
      throw new AssertionError("server " + id + " shows no membership in conf: " + conf);
    }
    return conf.substring(at + "membership:".length()).trim().lines().toList();
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
