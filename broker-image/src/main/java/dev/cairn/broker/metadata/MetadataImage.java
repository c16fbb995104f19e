package dev.cairn.broker.metadata;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * An immutable snapshot of cluster metadata as this broker last saw it in the coordinator: live
 * brokers, the controller, every topic with its partitions' replicas and state, the ids of deleted
 * topics by name (what tells a broker that a local log may go), and the dynamic broker configs by
 * entity (a broker id, or {@code <default>} for the cluster-wide defaults), and each live broker's
 * epoch (the zxid that created its registration: a new one means the broker restarted), and the
 * partition reassignments in progress. Metadata responses and leadership decisions read one
 * snapshot, so they are self-consistent.
 */
public record MetadataImage(
    Map<Integer, BrokerInfo> brokers,
    int controllerId,
    Map<String, TopicImage> topics,
    Map<String, Set<Uuid>> deletedTopicIds,
    Map<String, Map<String, String>> brokerConfigs,
    Map<Integer, Long> brokerEpochs,
    Map<TopicPartition, Reassignment> reassignments) {
  public static final MetadataImage EMPTY =
      new MetadataImage(Map.of(), -1, Map.of(), Map.of(), Map.of());

  /** An image whose brokers' registrations carry no epochs (tests). */
  public MetadataImage(
      Map<Integer, BrokerInfo> brokers,
      int controllerId,
      Map<String, TopicImage> topics,
      Map<String, Set<Uuid>> deletedTopicIds,
      Map<String, Map<String, String>> brokerConfigs) {
    this(brokers, controllerId, topics, deletedTopicIds, brokerConfigs, Map.of(), Map.of());
  }

  /** One topic: id, partitions and config overrides. */
  public record TopicImage(
      String name, Uuid id, Map<Integer, PartitionImage> partitions, Map<String, String> configs) {}

  /**
   * One partition: assigned replicas and, once the controller wrote it, its state with the state
   * znode's version (what conditional writes name) and the zxid that last wrote it (compared with a
   * broker's registration: a state written before a broker registered may name a leadership of its
   * earlier life).
   */
  public record PartitionImage(
      int partition, List<Integer> replicas, PartitionState state, int version, long written) {
    public PartitionImage(int partition, List<Integer> replicas, PartitionState state) {
      this(partition, replicas, state, 0, 0);
    }
  }

  /** Whether the topic {@code name} with id {@code id} was deleted through DeleteTopics. */
  public boolean wasDeleted(String name, Uuid id) {
    return deletedTopicIds.getOrDefault(name, Set.of()).contains(id);
  }

  public TopicImage topic(String name) {
    return topics.get(name);
  }

  public PartitionImage partition(TopicPartition tp) {
    TopicImage t = topics.get(tp.topic());
    return t == null ? null : t.partitions().get(tp.partition());
  }

  public TopicImage topicById(Uuid id) {
    for (TopicImage t : topics.values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Partitions the controller has marked offline (no live in-sync replica to lead them). Every
   * broker holds the whole image, so every broker reports the cluster's count.
   */
  public long offlinePartitions() {
    return partitions()
        .filter(p -> p.state() != null && p.state().leader() == PartitionState.NO_LEADER)
        .count();
  }

  /**
   * Partitions {@code brokerId} leads whose ISR is smaller than their replica list (Kafka's
   * UnderReplicatedPartitions: counted by the leader, so a cluster's sum counts each once).
   */
  public long underReplicatedLedBy(int brokerId) {
    return partitions()
        .filter(p -> p.state() != null && p.state().leader() == brokerId)
        .filter(p -> p.state().isr().size() < p.replicas().size())
        .count();
  }

  private Stream<PartitionImage> partitions() {
    return topics.values().stream().flatMap(t -> t.partitions().values().stream());
  }
}
