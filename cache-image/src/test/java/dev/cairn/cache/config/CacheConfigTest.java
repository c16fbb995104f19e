package dev.cairn.cache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheConfigTest {
  @Test
  void flagsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("redis.conf");
    Files.writeString(
        conf,
        """
        # a comment
        port 7000
        maxmemory 100mb
        maxmemory-policy allkeys-lru
        requirepass "pass word"
        save ""
        appendonly no
        """);
    CacheConfig c =
        CacheConfig.fromArgs(new String[] {conf.toString(), "--port", "7001", "--bind", "0.0.0.0"});
    assertThat(c.get(CacheConfig.PORT)).isEqualTo(7001);
    assertThat(c.get(CacheConfig.BIND)).isEqualTo("0.0.0.0");
    assertThat(c.get(CacheConfig.MAXMEMORY)).isEqualTo(100L * 1024 * 1024);
    assertThat(c.get(CacheConfig.MAXMEMORY_POLICY)).isEqualTo("allkeys-lru");
    assertThat(c.get(CacheConfig.REQUIREPASS)).isEqualTo("pass word");
    assertThat(c.raw(CacheConfig.MAXMEMORY)).isEqualTo("104857600");
  }

  @Test
  void defaultsAreRedisDefaults() throws Exception {
    CacheConfig c = CacheConfig.fromArgs(new String[0]);
    assertThat(c.get(CacheConfig.PORT)).isEqualTo(6379);
    assertThat(c.get(CacheConfig.ADMIN_PORT)).isEqualTo(9121);
    assertThat(c.get(CacheConfig.DATABASES)).isEqualTo(16);
    assertThat(c.get(CacheConfig.MAXMEMORY_SAMPLES)).isEqualTo(5);
  }

  @Test
  void unknownKeysAndBadValuesNameTheKey() {
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--no-such-key", "1"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no-such-key");
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--maxmemory-policy", "lru"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxmemory-policy")
        .hasMessageContaining("allkeys-lru");
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--port", "99999"}))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--replicaof", "h 99999"}))
        .hasMessageContaining("replicaof")
        .hasMessageContaining("host port");
  }

  @Test
  void oldNamesSetTheKeysTheyAlias() throws Exception {
    CacheConfig c =
        CacheConfig.fromArgs(
            new String[] {
              "--hash-max-ziplist-entries",
              "7",
              "--slave-priority",
              "5",
              "--slave-lazy-flush",
              "yes"
            });
    assertThat(c.get(CacheConfig.HASH_MAX_LISTPACK_ENTRIES)).isEqualTo(7L);
    assertThat(c.get(CacheConfig.REPLICA_PRIORITY)).isEqualTo(5);
    assertThat(c.with("zset-max-ziplist-value", "1kb").get(CacheConfig.ZSET_MAX_LISTPACK_VALUE))
        .isEqualTo(1024L);
    assertThat(c.warnings())
        .containsExactly(
            CacheConfig.warning("replica-lazy-flush", "yes", "this replication tuning"));
  }

  @Test
  void keysOfAbsentFeaturesAreValidatedAndWarnedAboutOnlyAwayFromTheirDefault() throws Exception {
    String[] off = {"--aof-timestamp-enabled", "no"};
    assertThat(CacheConfig.fromArgs(off).warnings()).isEmpty();
    assertThat(CacheConfig.fromArgs(new String[] {"--aof-timestamp-enabled", "yes"}).warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("'aof-timestamp-enabled' is 'yes'", "AOF tuning");
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--appendonly", "true"}))
        .hasMessageContaining("appendonly");
    assertThat(CacheConfig.fromArgs(new String[] {"--appendonly", "yes"}).warnings()).isEmpty();
    assertThatThrownBy(() -> CacheConfig.fromArgs(new String[] {"--tcp-backlog", "-1"}))
        .hasMessageContaining("tcp-backlog");
  }
}
