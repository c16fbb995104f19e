package dev.cairn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
  static final ConfigKey<Integer> PORT = ConfigKey.of("port", Parsers.intRange(0, 65535), 6379);
  static final ConfigKey<Long> MAXMEMORY =
      ConfigKey.of("maxmemory", Parsers.bytes(0, Long.MAX_VALUE), 0L);
  static final ConfigKey<String> POLICY =
      ConfigKey.of("maxmemory-policy", Parsers.oneOf("noeviction", "allkeys-lru"), "noeviction");
  static final ConfigKey<Boolean> PROTECTED = ConfigKey.of("protected-mode", Parsers.bool(), true);
  static final ConfigKey<Duration> TICK = ConfigKey.of("tickTime", Parsers.millis(1, 60_000), null);
  static final ConfigKey<List<String>> WORDS =
      ConfigKey.of("4lw.commands.whitelist", Parsers.list(Parsers.nonEmpty()), List.of("srvr"));

  static final ConfigSchema SCHEMA =
      new ConfigSchema(List.of(PORT, MAXMEMORY, POLICY, PROTECTED, TICK, WORDS));

  @Test
  void absentKeysTakeTheirDefaults() {
    Config config = SCHEMA.parse(Map.of());
    assertThat(config.get(PORT)).isEqualTo(6379);
    assertThat(config.get(POLICY)).isEqualTo("noeviction");
    assertThat(config.isSet(PORT)).isFalse();
  }

  @Test
  void valuesAreTyped() {
    Config config =
        SCHEMA.parse(
            Map.of(
                "port", "6380",
                "maxmemory", "100mb",
                "maxmemory-policy", "ALLKEYS-LRU",
                "protected-mode", "no",
                "tickTime", "2000",
                "4lw.commands.whitelist", "ruok, srvr,mntr"));
    assertThat(config.get(PORT)).isEqualTo(6380);
    assertThat(config.get(MAXMEMORY)).isEqualTo(100L * 1024 * 1024);
    assertThat(config.get(POLICY)).isEqualTo("allkeys-lru");
    assertThat(config.get(PROTECTED)).isFalse();
    assertThat(config.get(TICK)).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.get(WORDS)).containsExactly("ruok", "srvr", "mntr");
  }

  @Test
  void sizeUnitsFollowRedisConf() {
    assertThat(Parsers.parseBytes("1k")).isEqualTo(1000);
    assertThat(Parsers.parseBytes("1kb")).isEqualTo(1024);
    assertThat(Parsers.parseBytes("2GB")).isEqualTo(2L << 30);
    assertThat(Parsers.parseBytes("3g")).isEqualTo(3_000_000_000L);
    assertThat(Parsers.parseBytes("42")).isEqualTo(42);
  }

  @Test
  void unknownKeyNamesTheKey() {
    assertThatThrownBy(() -> SCHEMA.parse(Map.of("prot", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown configuration key 'prot'");
  }

  @Test
  void badValueNamesKeyValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> SCHEMA.parse(Map.of("port", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid value '70000' for 'port': expected an integer in [0, 65535]");
    assertThatThrownBy(() -> SCHEMA.parse(Map.of("maxmemory-policy", "lru")))
        .hasMessage(
            "invalid value 'lru' for 'maxmemory-policy': expected one of noeviction, allkeys-lru");
    assertThatThrownBy(() -> SCHEMA.parse(Map.of("maxmemory", "lots")))
        .hasMessageStartingWith("invalid value 'lots' for 'maxmemory': expected a size in bytes");
  }

  @Test
  void liveChangesAreValidatedLikeStartUp() {
    Config config = SCHEMA.parse(Map.of());
    Config changed = config.with("maxmemory", "1gb");
    assertThat(changed.get(MAXMEMORY)).isEqualTo(1L << 30);
    assertThat(config.get(MAXMEMORY)).isZero();
    assertThatThrownBy(() -> config.with("port", "-1")).isInstanceOf(ConfigException.class);
  }

  @Test
  void duplicateKeysAreAProgrammingError() {
    assertThatThrownBy(() -> new ConfigSchema(List.of(PORT, PORT)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
