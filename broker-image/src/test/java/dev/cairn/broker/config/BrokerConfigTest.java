package dev.cairn.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest {
  @TempDir Path dir;

  @Test
  void readsServerPropertiesAndOverridesWinLikeKafkaServerStart() throws Exception {
    Path file = dir.resolve("server.properties");
    Files.writeString(
        file, "broker.id=3\nlog.dirs=/a,/b\nlog.retention.hours=1\nnum.partitions=4\n");
    BrokerConfig c =
        BrokerConfig.fromArgs(
            new String[] {
              file.toString(),
              "--override",
              "num.partitions=6",
              "--override",
              "listeners=PLAINTEXT://127.0.0.1:19092"
            });
    assertThat(c.brokerId()).isEqualTo(3);
    assertThat(c.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
    assertThat(c.logRetentionMs()).isEqualTo(3_600_000L);
    assertThat(c.get(BrokerConfig.NUM_PARTITIONS)).isEqualTo(6);
    assertThat(c.listeners()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 19092));
    assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
  }

  @Test
  void kafkaDefaultsApplyWhenKeysAreAbsent() {
    BrokerConfig c = BrokerConfig.of(Map.of());
    assertThat(c.listeners()).containsExactly(new Listener("PLAINTEXT", "", 9092));
    assertThat(c.get(BrokerConfig.ADMIN_PORT)).isEqualTo(9404);
    assertThat(c.logDirs()).containsExactly(Path.of("/tmp/kafka-logs"));
    assertThat(c.logRetentionMs()).isEqualTo(168 * 3_600_000L);
    assertThat(c.get(BrokerConfig.LOG_SEGMENT_BYTES)).isEqualTo(1 << 30);
    assertThat(c.get(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(1_048_588);
  }

  @Test
  void unknownKeysAndBadValuesFailNamingTheKey() {
    assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.segmnet.bytes", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("log.segmnet.bytes");
    assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.partitions", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("num.partitions");
    assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "SSL://:9093")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listeners");
  }
}
