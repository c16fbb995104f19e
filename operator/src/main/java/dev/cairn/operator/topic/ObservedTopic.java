package dev.cairn.operator.topic;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic as the brokers describe it.
 *
 * @param replicas the replication factor of partition 0
 * @param config only the configs set on the topic itself (not broker defaults)
 * @param assignment every partition's replicas, ISR and leader
 * @param brokers the ids of the cluster's registered brokers
 * @param racks the rack of each registered broker that has one
 * @param minInSync the topic's effective min.insync.replicas (its own or the broker default)
 * @param reassigning whether a reassignment of one of its partitions is in progress
 */
public record ObservedTopic(
    String topicId,
    int partitions,
    int replicas,
    Map<String, String> config,
    List<PartitionReplicas> assignment,
    Set<Integer> brokers,
    Map<Integer, String> racks,
    int minInSync,
    boolean reassigning) {

  /** One partition's placement; {@code leader} is -1 when it has none. */
  public record PartitionReplicas(
      int partition, List<Integer> replicas, List<Integer> isr, int leader) {
    public PartitionReplicas {
      replicas = List.copyOf(replicas);
      isr = List.copyOf(isr);
    }
  }

  public ObservedTopic {
    config = Map.copyOf(config);
    assignment = List.copyOf(assignment);
    brokers = Set.copyOf(brokers);
    racks = Map.copyOf(racks);
  }

  /** A topic described without its placement (tests of everything but the replication factor). */
  public ObservedTopic(String topicId, int partitions, int replicas, Map<String, String> config) {
    this(topicId, partitions, replicas, config, List.of(), Set.of(), Map.of(), 1, false);
  }
}
