package dev.cairn.operator.topic;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The broker operations the topic reconciler needs; each fails with {@link TopicAdminException}.
 */
public interface TopicAdmin extends AutoCloseable {
  Optional<ObservedTopic> describe(String topic);

  void create(String topic, int partitions, int replicas, Map<String, String> config);

  void growPartitions(String topic, int partitions);

  /** Sets {@code set} and resets {@code reset} to the broker default, leaving other keys alone. */
  void alterConfigs(String topic, Map<String, String> set, Set<String> reset);

  /**
   * Starts moving each partition (by number) to its target replicas, preferred leader first
   * (AlterPartitionReassignments); returns once the controller accepted, not when they finish.
   */
  void reassign(String topic, Map<Integer, List<Integer>> targets);

  void delete(String topic);

  @Override
  void close();

  /** Opens an admin connection to {@code bootstrapServers}. */
  @FunctionalInterface
  interface Factory {
    TopicAdmin open(String bootstrapServers);
  }
}
