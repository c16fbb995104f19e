package dev.cairn.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.config.ConfigException;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.operator.broker.BrokerWorkload;
import dev.cairn.operator.cache.CacheWorkload;
import dev.cairn.operator.ensemble.EnsembleWorkload;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The operator's config allow-lists are policy (which keys a user may set); what each key means and
 * which values it takes is the engine's. Every key the operator lets through must be one the
 * engine's own parser knows, else the pod would crash-loop on a spec the operator accepted: each
 * allowed key is fed to the engine's parser with a nonsense value, which may be refused as an
 * invalid value but never as an unknown key.
 */
class EngineConfigKeysTest {
  private static final String NONSENSE = "not-a-value-\u00e9";

  @Test
  void everyCacheKeyTheOperatorAllowsIsOneTheCacheKnows() {
    assertKnown(CacheWorkload.REDIS_CONF, raw -> CacheConfig.of(raw));
  }

  @Test
  void everyCoordinatorKeyTheOperatorAllowsIsOneTheCoordinatorKnows() {
    assertKnown(
        EnsembleWorkload.ZOO_CFG,
        raw -> {
          Map<String, String> withDataDir = new HashMap<>(raw);
          withDataDir.put("dataDir", "/var/lib/cairn");
          CoordinatorConfig.parse(withDataDir);
        });
  }

  @Test
  void everyBrokerKeyTheOperatorAllowsIsOneTheBrokerKnows() {
    assertKnown(BrokerWorkload.SERVER_PROPERTIES, raw -> BrokerConfig.of(raw));
  }

  @Test
  void keysTheCacheOnlyTakesAtTheirDefaultAreNotOffered() {
    // The cache engine refuses appendonly yes and any save schedule (no persistence in v1).
    assertThat(CacheWorkload.REDIS_CONF.allowed()).doesNotContain("appendonly", "save");
  }

  private static void assertKnown(NativeConfig config, Consumer<Map<String, String>> engine) {
    assertThat(config.allowed()).isNotEmpty();
    for (String key : config.allowed()) {
      try {
        engine.accept(Map.of(key, NONSENSE));
      } catch (ConfigException e) {
        assertThat(e.getMessage())
            .as(config.fileName() + " key " + key)
            .doesNotContain("unknown configuration key");
      }
    }
  }
}
