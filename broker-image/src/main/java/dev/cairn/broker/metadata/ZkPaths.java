package dev.cairn.broker.metadata;

/**
 * The znode layout of cluster metadata in the coordinator (Kafka's ZooKeeper-mode layout, with
 * {@code key=value} line payloads, see {@link ZnodeText}):
 *
 * <pre>
 * /brokers/ids/&lt;id&gt;                              ephemeral: host, port, rack
 * /controller                                    ephemeral: brokerid
 * /controller_epoch                              epoch
 * /brokers/topics/&lt;topic&gt;                        topic_id, partitions (p:r1,r2;...)
 * /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state   leader, leader_epoch, isr, controller_epoch
 * /config/topics/&lt;topic&gt;                         the topic's config overrides
 * /config/brokers/&lt;id&gt;                           a broker's dynamic configs
 * /config/brokers/&lt;default&gt;                      the cluster-wide dynamic broker defaults
 * /admin/delete_topics/&lt;topic&gt;                  topic_ids: the deleted incarnations' ids
 * /admin/reassignments/&lt;topic&gt;/&lt;p&gt;            target, original: a reassignment in progress
 * /latest_producer_id_block                      next free producer id
 * </pre>
 */
public final class ZkPaths {
  private ZkPaths() {}

  public static final String BROKERS = "/brokers";
  public static final String BROKER_IDS = "/brokers/ids";
  public static final String TOPICS = "/brokers/topics";
  public static final String CONTROLLER = "/controller";
  public static final String CONTROLLER_EPOCH = "/controller_epoch";
  public static final String CONFIG = "/config";
  public static final String TOPIC_CONFIGS = "/config/topics";
  public static final String BROKER_CONFIGS = "/config/brokers";

  /** The entity name of the cluster-wide dynamic broker defaults, as ZooKeeper-era Kafka. */
  public static final String DEFAULT_BROKER = "<default>";

  public static final String ADMIN = "/admin";
  public static final String DELETE_TOPICS = "/admin/delete_topics";
  public static final String REASSIGNMENTS = "/admin/reassignments";
  public static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";

  public static String broker(int id) {
    return BROKER_IDS + "/" + id;
  }

  public static String topic(String topic) {
    return TOPICS + "/" + topic;
  }

  public static String partitions(String topic) {
    return topic(topic) + "/partitions";
  }

  public static String partition(String topic, int partition) {
    return partitions(topic) + "/" + partition;
  }

  public static String partitionState(String topic, int partition) {
    return partition(topic, partition) + "/state";
  }

  public static String reassignment(String topic, int partition) {
    return REASSIGNMENTS + "/" + topic + "/" + partition;
  }

  public static String deletedTopic(String topic) {
    return DELETE_TOPICS + "/" + topic;
  }

  /** {@code entity} is a broker id or {@link #DEFAULT_BROKER}. */
  public static String brokerConfig(String entity) {
    return BROKER_CONFIGS + "/" + entity;
  }

  public static String topicConfig(String topic) {
    return TOPIC_CONFIGS + "/" + topic;
  }
}
