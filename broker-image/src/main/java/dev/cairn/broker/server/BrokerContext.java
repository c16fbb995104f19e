package dev.cairn.broker.server;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.LiveBrokerConfig;
import dev.cairn.broker.metadata.ClusterMetadata;
import dev.cairn.broker.metadata.Controller;
import dev.cairn.broker.producer.ProducerIdManager;
import java.time.Duration;

/**
 * What request handlers share: configuration (server.properties, and as it runs with the dynamic
 * configs), cluster metadata, the controller, the replica manager, topic administration, the
 * purgatories of waiting fetches (woken by appends) and acks=all produces (woken by high-watermark
 * moves), fetch sessions, and the cluster id.
 */
public record BrokerContext(
    BrokerConfig config,
    LiveBrokerConfig liveConfig,
    String clusterId,
    ClusterMetadata metadata,
    Controller controller,
    ReplicaManager replicas,
    TopicAdmin topics,
    Purgatory fetchPurgatory,
    Purgatory producePurgatory,
    FetchSessionCache fetchSessions,
    ProducerIdManager producerIds) {

  /**
   * How long AlterConfigs answers wait for this broker to apply a change (they carry no timeout);
   * the change is stored either way.
   */
  public static final Duration CONFIG_APPLY_WAIT = Duration.ofSeconds(10);

  /** The acks=all wait over this broker's produce purgatory. */
  public ReplicationWaiter acksAll() {
    return new ReplicationWaiter(replicas, producePurgatory);
  }

  public int brokerId() {
    return config.brokerId();
  }

  /** A request's timeout; a negative one does not wait. */
  public static Duration requestWait(int timeoutMs) {
    return Duration.ofMillis(Math.max(0, timeoutMs));
  }
}
