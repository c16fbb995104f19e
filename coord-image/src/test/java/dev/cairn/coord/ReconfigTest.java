package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.common.history.AcknowledgedWrites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic reconfiguration of an ensemble of real processes with ZooKeeper's own tools: {@code
 * ZooKeeperAdmin.reconfigure} and zkCli's {@code reconfig -add}, as the super user. Three servers
 * become five and then three again — the leader among those removed — while clients keep writing;
 * every acknowledged write is there afterwards, every server shows the same configuration, zoo.cfg
 * names the dynamic file a restart reads, and the refusals carry ZooKeeper's error codes.
 */
class ReconfigTest {
  private static final String SUPER = "super:test";

  @TempDir Path dir;
  private ProcessEnsemble ensemble;

  @AfterEach
  void stop() throws Exception {
    if (ensemble != null) {
      ensemble.close();
    }
  }

  @Test
  void threeToFiveToThreeUnderWritesLosesNoAcknowledgedWrite() throws Exception {
    assumeTrue(ZkCli.installed(), "zkCli.sh is not installed");
    ensemble =
        new ProcessEnsemble(
            dir,
            "-Dzookeeper.DigestAuthenticationProvider.superDigest="
                + DigestAuthenticationProvider.generateDigest(SUPER));
    Set<Integer> all = Set.of(1, 2, 3, 4, 5);
    List<String> specs = new ArrayList<>();
    for (int id = 1; id <= 5; id++) {
      specs.add("server." + id + "=" + ensemble.allocate(id));
    }
    for (int id = 1; id <= 5; id++) {
      // A joiner's zoo.cfg names the ensemble and itself, as ZooKeeper's procedure has it.
      Set<Integer> known = new TreeSet<>(Set.of(1, 2, 3));
      known.add(id);
      ensemble.writeConfig(id, ensemble.serverLines(known), "reconfigEnabled=true");
      ensemble.start(id);
    }
    ensemble.awaitLeader(Set.of(1, 2, 3), 30_000);

    CreateLoad load = CreateLoad.on(ensemble, ensemble.connectString(all), 2);
    AcknowledgedWrites<String> acked = load.acked();

    ZooKeeperAdmin anonymous =
        ensemble.closeLater(
            new ZooKeeperAdmin(ensemble.connectString(Set.of(1, 2, 3)), 10_000, e -> {}));
    assertThatThrownBy(() -> anonymous.reconfigure(specs.get(3), null, null, -1, new Stat()))
        .isInstanceOf(KeeperException.NoAuthException.class);
    ZooKeeperAdmin admin =
        ensemble.closeLater(
            new ZooKeeperAdmin(ensemble.connectString(Set.of(1, 2, 3)), 10_000, e -> {}));
    admin.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> admin.reconfigure(specs.get(3), null, null, 0x4711, new Stat()))
        .isInstanceOf(KeeperException.BadVersionException.class);
    assertThatThrownBy(() ->
            admin.reconfigure("server.6=127.0.0.1:1:2;127.0.0.1:3", "1,2", null, -1, new Stat()))
        .as("the new voters 3 and 6: only 3 is synced")
        .isInstanceOf(KeeperException.NewConfigNoQuorum.class);

    Stat stat = new Stat();
    String four = text(admin.reconfigure(specs.get(3), null, null, -1, stat));
    assertThat(four)
        .contains(specs.get(3).replace(";", ":participant;"))
        .endsWith("version=" + Long.toHexString(stat.getMzxid()));
    String zkCli =
        ZkCli.run(
            ensemble.connectString(Set.of(1)),
            "addauth digest " + SUPER + "\nreconfig -add " + specs.get(4));
    assertThat(zkCli).contains(specs.get(4).replace(";", ":participant;"));
    int leader = ensemble.awaitLeader(all, 30_000);
    String five = sameConfigEverywhere(all);
    assertThat(five.lines().filter(l -> l.startsWith("server.")).count()).isEqualTo(5);
    assertDynamicFiles(1, five);

    Set<Integer> removed = new TreeSet<>(Set.of(leader, leader == 1 ? 2 : 1));
    Set<Integer> remaining = new TreeSet<>(all);
    remaining.removeAll(removed);
    String three =
        text(
            admin.reconfigure(
                null,
                String.join(",", removed.stream().map(String::valueOf).toList()),
                null,
                -1,
                new Stat()));
    for (int id : remaining) {
      assertThat(three).contains("server." + id + "=");
    }
    assertThat(three.lines().filter(l -> l.startsWith("server.")).count()).isEqualTo(3);
    int newLeader = ensemble.awaitLeader(remaining, 30_000);
    assertThat(ensemble.mode(leader)).as("the removed leader stepped down").isNotEqualTo("leader");
    assertThat(sameConfigEverywhere(all)).isEqualTo(three);
    Thread.sleep(1_000);

    load.close();
    assertThat(acked.count()).isGreaterThan(100);

    // A member restarted after kill -9 reads the rewritten zoo.cfg and its dynamic file.
    int restarted = remaining.stream().filter(id -> id != newLeader).findFirst().orElseThrow();
    ensemble.kill(restarted);
    ensemble.start(restarted);
    ensemble.awaitLeader(remaining, 30_000);
    assertDynamicFiles(restarted, three);
    for (int id : remaining) {
      ZooKeeper reader = ensemble.connect(ensemble.connectString(Set.of(id)));
      reader.sync("/", (rc, path, ctx) -> {}, null);
      List<String> children = reader.getChildren("/", false).stream().map(c -> "/" + c).toList();
      assertThat(acked.missingFrom(children)).as("acknowledged writes on server %d", id).isEmpty();
      assertThat(text(reader.getConfig(false, new Stat()))).isEqualTo(three);
    }
    System.out.printf(
        "3 -> 5 -> 3 (removed %s, leader %d then %d): %d creates acknowledged, none lost%n",
        removed, leader, newLeader, acked.count());
  }

  /** Every server's {@code getConfig} after a sync; returns the one text they all show. */
  private String sameConfigEverywhere(Set<Integer> ids) throws Exception {
    Set<String> seen = new TreeSet<>();
    for (int id : ids) {
      ZooKeeper zk = ensemble.connect(ensemble.connectString(Set.of(id)));
      zk.sync("/zookeeper/config", (rc, path, ctx) -> {}, null);
      seen.add(text(zk.getConfig(false, new Stat())));
    }
    assertThat(seen).hasSize(1);
    return seen.iterator().next();
  }

  /** zoo.cfg names {@code zoo.cfg.dynamic.<version>}, which holds the configuration's servers. */
  private void assertDynamicFiles(int id, String config) throws Exception {
    Path cfg = ensemble.configFile(id);
    String version = config.substring(config.lastIndexOf("version=") + 8).trim();
    Path dynamic = cfg.resolveSibling(cfg.getFileName() + ".dynamic." + version);
    assertThat(Files.readString(cfg))
        .contains("dynamicConfigFile=" + dynamic.toRealPath())
        .doesNotContain("server.");
    assertThat(Files.readAllLines(dynamic))
        .containsExactlyInAnyOrderElementsOf(
            config.lines().filter(l -> l.startsWith("server.")).toList());
    assertThat(cfg.resolveSibling(cfg.getFileName() + ".bak")).exists();
  }

  private static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }
}
