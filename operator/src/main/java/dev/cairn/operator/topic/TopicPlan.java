package dev.cairn.operator.topic;

import dev.cairn.operator.common.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What to do to make a topic in the brokers match its spec; pure. Create a missing topic with its
 * configs; otherwise grow partitions when asked for more, and alter only the config keys whose
 * value differs (set) or that the spec no longer names (reset to the broker default). What the
 * brokers cannot do is reported as a problem instead: partitions never shrink, and changing the
 * replication factor needs a partition reassignment, which the operator does not do yet.
 */
public record TopicPlan(List<Action> actions, List<String> problems) {

  /** One change to apply, in order. */
  public sealed interface Action {}

  public record Create(int partitions, int replicas, Map<String, String> config)
      implements Action {}

  public record GrowPartitions(int from, int to) implements Action {}

  public record AlterConfigs(Map<String, String> set, Set<String> reset) implements Action {}

  /** Topic configs a Topic may set (Kafka's topic-level configs). */
  public static final Set<String> ALLOWED_CONFIG =
      Set.of(
          "cleanup.policy",
          "compression.type",
          "delete.retention.ms",
          "file.delete.delay.ms",
          "flush.messages",
          "flush.ms",
          "index.interval.bytes",
          "max.compaction.lag.ms",
          "max.message.bytes",
          "message.timestamp.type",
          "message.timestamp.before.max.ms",
          "message.timestamp.after.max.ms",
          "min.cleanable.dirty.ratio",
          "min.compaction.lag.ms",
          "min.insync.replicas",
          "preallocate",
          "retention.bytes",
          "retention.ms",
          "segment.bytes",
          "segment.index.bytes",
          "segment.jitter.ms",
          "segment.ms",
          "unclean.leader.election.enable");

  /** Throws {@link InvalidSpecException} naming every config key a topic cannot have. */
  public static void validate(TopicSpec spec) {
    if (spec.clusterRef == null || spec.clusterRef.name == null || spec.clusterRef.name.isBlank()) {
      throw new InvalidSpecException("spec.clusterRef.name is required");
    }
    if (spec.config == null) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(spec.config).entrySet()) {
      if (!ALLOWED_CONFIG.contains(e.getKey())) {
        problems.add(
            "topic config '"
                + e.getKey()
                + "' is not supported; allowed: "
                + String.join(", ", new TreeSet<>(ALLOWED_CONFIG)));
      } else if (e.getValue() == null || e.getValue().isBlank()) {
        problems.add("topic config '" + e.getKey() + "' has an empty value");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(String.join("; ", problems));
    }
  }

  public static TopicPlan decide(TopicSpec spec, Optional<ObservedTopic> observed) {
    Map<String, String> desired = spec.config == null ? Map.of() : new TreeMap<>(spec.config);
    if (observed.isEmpty()) {
      return new TopicPlan(List.of(new Create(spec.partitions, spec.replicas, desired)), List.of());
    }
    ObservedTopic topic = observed.get();
    List<Action> actions = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (spec.partitions > topic.partitions()) {
      actions.add(new GrowPartitions(topic.partitions(), spec.partitions));
    } else if (spec.partitions < topic.partitions()) {
      problems.add(
          "The topic has "
              + topic.partitions()
              + " partitions and partitions cannot shrink; spec.partitions asks for "
              + spec.partitions
              + ".");
    }
    if (spec.replicas != topic.replicas()) {
      problems.add(
          "Changing the replication factor from "
              + topic.replicas()
              + " to "
              + spec.replicas
              + " needs a partition reassignment, which the operator does not support yet.");
    }
    Map<String, String> set = new TreeMap<>();
    desired.forEach((k, v) -> {
      if (!Objects.equals(topic.config().get(k), v)) {
        set.put(k, v);
      }
    });
    Set<String> reset = new TreeSet<>(topic.config().keySet());
    reset.removeAll(desired.keySet());
    if (!set.isEmpty() || !reset.isEmpty()) {
      actions.add(new AlterConfigs(set, reset));
    }
    return new TopicPlan(actions, problems);
  }
}
