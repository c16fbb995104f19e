package dev.cairn.broker.server;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.metadata.ClusterMetadata;
import dev.cairn.broker.metadata.Controller;
import dev.cairn.broker.producer.ProducerIdManager;
import java.time.Duration;

/**
 * What request handlers share: configuration, cluster metadata, the controller, the replica
 * manager, topic administration, the purgatories of waiting fetches (woken by appends) and acks=all
 * produces (woken by high-watermark moves), fetch sessions, and the cluster id.
 */
public record BrokerContext(
    BrokerConfig config,
    String clusterId,
    ClusterMetadata metadata,
    Controller controller,
    ReplicaManager replicas,
    TopicAdmin topics,
    Purgatory fetchPurgatory,
    Purgatory producePurgatory,
    FetchSessionCache fetchSessions,
    ProducerIdManager producerIds) {

  /** Longest a handler waits for metadata to propagate, whatever the client's timeout says. */
  public static final Duration MAX_METADATA_WAIT = Duration.ofSeconds(10);

  public int brokerId() {
    return config.brokerId();
  }

  /** A client's timeout clamped to [0, {@link #MAX_METADATA_WAIT}]. */
  public static Duration clampWait(int timeoutMs) {
    return Duration.ofMillis(Math.max(0, Math.min(timeoutMs, MAX_METADATA_WAIT.toMillis())));
  }
}
