package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MyIdFromHostnameTest {
  static final Map<Integer, String> THREE =
      Map.of(
          1, "zk-0.zk-headless:2888:3888",
          2, "zk-1.zk-headless:2888:3888",
          3, "zk-2.zk-headless:2888:3888");

  static Map<String, String> pod(String hostname) {
    return Map.of(MyIdFromHostname.ENABLED, "true", MyIdFromHostname.HOSTNAME, hostname);
  }

  @Test
  void podOrdinalPlusOneBecomesMyIdAndIsWrittenToDataDir(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("data");
    EnsembleConfig ensemble = EnsembleConfig.read(THREE, 0, dataDir, pod("zk-2"));
    assertThat(ensemble.myId()).isEqualTo(3);
    assertThat(Files.readString(dataDir.resolve("myid"), StandardCharsets.US_ASCII).trim())
        .isEqualTo("3");
    assertThat(EnsembleConfig.read(THREE, 0, dataDir, pod("zk-2")).myId()).isEqualTo(3);
  }

  @Test
  void withoutTheSwitchMyIdMustBeThereAsInZooKeeper(@TempDir Path dir) {
    assertThatThrownBy(() -> EnsembleConfig.read(THREE, 0, dir, Map.of("HOSTNAME", "zk-1")))
        .hasMessageContaining("myid is missing");
    assertThat(dir.resolve("myid")).doesNotExist();
  }

  @Test
  void aDataDirOfAnotherServerIsRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("myid"), "1\n");
    assertThatThrownBy(() -> EnsembleConfig.read(THREE, 0, dir, pod("zk-1")))
        .hasMessageContaining("says server 1 but host zk-1 is server 2");
  }

  @Test
  void aHostNameWithoutOrdinalIsRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> EnsembleConfig.read(THREE, 0, dir, pod("laptop")))
        .hasMessageContaining("'laptop'")
        .hasMessageContaining("-<ordinal>");
  }

  @Test
  void aStandaloneServerNeedsNoId(@TempDir Path dir) throws Exception {
    assertThat(EnsembleConfig.read(Map.of(1, "zk-0:2888:3888"), 0, dir, pod("zk-0"))).isNull();
    assertThat(dir.resolve("myid")).doesNotExist();
  }
}
