package dev.cairn.operator.broker;

import dev.cairn.operator.common.EngineView;
import java.util.List;

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
 */
public record BrokerView(String controller, List<PartitionView> partitions) implements EngineView {

  /** One partition as DescribeTopics and the topic's min.insync.replicas describe it. */
  public record PartitionView(
      String topic, int partition, int replicas, int inSync, boolean hasLeader, int minInSync) {}

  public BrokerView {
    partitions = List.copyOf(partitions);
  }

  /** The controller goes last, so the controller moves once. */
  @Override
  public String last() {
    return controller;
  }

  public long underReplicated() {
    return partitions.stream().filter(p -> p.hasLeader() && p.inSync() < p.replicas()).count();
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
      if (p.replicas() > p.minInSync() && p.inSync() <= p.minInSync()) {
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
