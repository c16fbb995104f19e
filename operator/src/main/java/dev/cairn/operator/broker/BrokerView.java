package dev.cairn.operator.broker;

import dev.cairn.operator.common.EngineView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker cluster as its brokers describe it in one round of Admin calls; pure, so the rules
 * below are tested without brokers.
 *
 * <p>A restart may start only when it cannot make a partition unavailable to acks=all producers, as
 * Strimzi's KafkaRoller decides: every partition has a leader and its whole replica set in sync
 * (the previous restart has caught up), and no partition whose replication factor exceeds its
 * {@code min.insync.replicas} is at that minimum already. A partition with no more replicas than
 * its minimum cannot take acks=all writes through any restart, so it does not hold the roll.
 *
 * @param controller the pod of the active controller, or null when unknown
 * @param partitions every partition, or an empty list when the brokers did not answer
 * @param brokers the ids of the registered brokers (DescribeCluster), empty when unknown
 * @param racks the rack of each registered broker that has one (DescribeCluster)
 * @param reassigning the partitions with a reassignment in progress (ListPartitionReassignments)
 */
public record BrokerView(
    String controller,
    List<PartitionView> partitions,
    Set<Integer> brokers,
    Map<Integer, String> racks,
    Set<TopicPartition> reassigning)
    implements EngineView {

  /**
   * One partition as DescribeTopics and the topic's min.insync.replicas describe it.
   *
   * @param replicas the broker ids of its replicas, the preferred leader first
   */
  public record PartitionView(
      String topic,
      int partition,
      List<Integer> replicas,
      int inSync,
      boolean hasLeader,
      int minInSync) {
    public PartitionView {
      replicas = List.copyOf(replicas);
    }

    public TopicPartition id() {
      return new TopicPartition(topic, partition);
    }

    public int replicationFactor() {
      return replicas.size();
    }
  }

  public BrokerView {
    partitions = List.copyOf(partitions);
    brokers = Set.copyOf(brokers);
    racks = Map.copyOf(racks);
    reassigning = Set.copyOf(reassigning);
  }

  /** A view of brokers without racks. */
  public BrokerView(
      String controller,
      List<PartitionView> partitions,
      Set<Integer> brokers,
      Set<TopicPartition> reassigning) {
    this(controller, partitions, brokers, Map.of(), reassigning);
  }

  /** A view of brokers that did not answer (or of a controller only). */
  public static BrokerView unknown(String controller) {
    return new BrokerView(controller, List.of(), Set.of(), Set.of());
  }

  /** How many replicas each broker holds, every registered broker included. */
  public Map<Integer, Integer> replicasPerBroker() {
    Map<Integer, Integer> counts = new HashMap<>();
    brokers.forEach(b -> counts.put(b, 0));
    partitions.forEach(p -> p.replicas().forEach(b -> counts.merge(b, 1, Integer::sum)));
    return counts;
  }

  /** The controller goes last, so the controller moves once. */
  @Override
  public String last() {
    return controller;
  }

  public long underReplicated() {
    return partitions.stream()
        .filter(p -> p.hasLeader() && p.inSync() < p.replicationFactor())
        .count();
  }

  public long offline() {
    return partitions.stream().filter(p -> !p.hasLeader()).count();
  }

  @Override
  public String restartBlocked() {
    if (offline() > 0) {
      return offline() + " partition(s) have no leader";
    }
    if (underReplicated() > 0) {
      return underReplicated() + " partition(s) are under-replicated";
    }
    for (PartitionView p : partitions) {
      if (p.replicationFactor() > p.minInSync() && p.inSync() <= p.minInSync()) {
        return p.topic()
            + "-"
            + p.partition()
            + " would drop below min.insync.replicas="
            + p.minInSync();
      }
    }
    return null;
  }
}
