package dev.cairn.broker.config;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's configuration as of the last metadata image: server.properties under the dynamic
 * configs stored in the coordinator. Updated on the metadata event thread before the logs are
 * reconfigured from it; read by request handlers and the log manager.
 */
public final class LiveBrokerConfig {
  private static final Logger log = LoggerFactory.getLogger(LiveBrokerConfig.class);

  private final BrokerConfig statics;
  private volatile Map<String, Map<String, String>> byEntity = Map.of();
  private volatile BrokerConfigLayers layers;

  public LiveBrokerConfig(BrokerConfig statics) {
    this.statics = statics;
    this.layers = BrokerConfigLayers.of(statics);
  }

  /**
   * The dynamic configs by entity (broker id or {@code <default>}) as the coordinator holds them.
   */
  public void update(Map<String, Map<String, String>> next) {
    if (next.equals(byEntity)) {
      return;
    }
    byEntity = next;
    layers = BrokerConfigLayers.of(statics, next, statics.brokerId());
    log.info(
        "broker {}: dynamic configs now {} (cluster default {})",
        statics.brokerId(),
        layers.perBroker(),
        layers.clusterDefault());
  }

  public BrokerConfigLayers layers() {
    return layers;
  }
}
