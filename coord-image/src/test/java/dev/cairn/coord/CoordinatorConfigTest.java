package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zoo.cfg parsing: ZooKeeper's keys and defaults, and errors that name the key. */
class CoordinatorConfigTest {
  @TempDir Path dir;

  @Test
  void theServersComeFromTheDynamicConfigFileItNames() throws Exception {
    Path dynamic = dir.resolve("zoo.cfg.dynamic.100000003");
    Files.writeString(
        dynamic,
        "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
            + "server.2=127.0.0.2:2888:3888:participant;127.0.0.2:2181\n");
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(
        cfg, "dataDir=" + dir + "\nreconfigEnabled=true\ndynamicConfigFile=" + dynamic + "\n");
    CoordinatorConfig c = CoordinatorConfig.load(cfg);
    assertThat(c.servers()).containsOnlyKeys(1, 2);
    assertThat(c.serversVersion()).isEqualTo(0x100000003L);
    assertThat(c.reconfigEnabled()).isTrue();
    assertThat(c.configFile()).isEqualTo(cfg);

    Files.writeString(cfg, "server.3=h:1:2\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> CoordinatorConfig.load(cfg))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server lines belong in the dynamic file only");
    Files.writeString(cfg, "dataDir=" + dir + "\ndynamicConfigFile=" + dynamic + "\n");
    Files.writeString(dynamic, "version=100000003\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> CoordinatorConfig.load(cfg))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds 'version'");
  }

  @Test
  void readsZooCfgWithZooKeeperDefaults() throws Exception {
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(
        cfg,
        """
        # a typical zoo.cfg
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=%s
        clientPort=2182
        autopurge.snapRetainCount=5
        autopurge.purgeInterval=1
        4lw.commands.whitelist=ruok, mntr
        server.1=zk-0.zk:2888:3888;2181
        server.2=zk-1.zk:2888:3888:participant;0.0.0.0:2181
        """
            .formatted(dir));
    CoordinatorConfig c = CoordinatorConfig.load(cfg);
    assertThat(c.clientPort()).isEqualTo(2182);
    assertThat(c.dataLogDir()).isEqualTo(c.dataDir());
    assertThat(c.minSessionTimeout()).isEqualTo(4000);
    assertThat(c.maxSessionTimeout()).isEqualTo(40000);
    assertThat(c.adminPort()).isEqualTo(7000);
    assertThat(c.juteMaxBuffer()).isEqualTo(0xfffff);
    assertThat(c.fourLetterWords()).containsExactlyInAnyOrder("ruok", "mntr");
    assertThat(c.servers()).containsOnlyKeys(1, 2);
    assertThat(c.snapRetainCount()).isEqualTo(5);
  }

  @Test
  void unknownKeyFailsNamingIt() {
    assertThatThrownBy(
            () -> CoordinatorConfig.parse(Map.of("dataDir", dir.toString(), "clintPort", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clintPort");
  }

  @Test
  void badValuesFailNamingTheKey() {
    assertThatThrownBy(
            () -> CoordinatorConfig.parse(Map.of("dataDir", dir.toString(), "tickTime", "fast")))
        .hasMessageContaining("tickTime");
    assertThatThrownBy(() ->
            CoordinatorConfig.parse(Map.of("dataDir", dir.toString(), "server.1", "no-ports-here")))
        .hasMessageContaining("server.1");
    assertThatThrownBy(() -> CoordinatorConfig.parse(Map.of("clientPort", "2181")))
        .hasMessageContaining("dataDir");
    assertThatThrownBy(() ->
            CoordinatorConfig.parse(
                Map.of(
                    "dataDir",
                    dir.toString(),
                    "minSessionTimeout",
                    "9000",
                    "maxSessionTimeout",
                    "5000")))
        .hasMessageContaining("minSessionTimeout");
  }
}
