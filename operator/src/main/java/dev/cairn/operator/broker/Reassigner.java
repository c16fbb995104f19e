package dev.cairn.operator.broker;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Starts partition reassignments in a broker cluster (AlterPartitionReassignments). */
@FunctionalInterface
public interface Reassigner {
  /**
   * Asks the controller to move each partition to its target replicas (preferred leader first);
   * returns once the controller accepted them, not when they finish.
   *
   * @throws IllegalStateException when the brokers refuse or do not answer
   */
  void reassign(BrokerCluster cluster, Map<TopicPartition, List<Integer>> targets);
}
