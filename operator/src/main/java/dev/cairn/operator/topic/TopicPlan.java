package dev.cairn.operator.topic;

import dev.cairn.operator.broker.ReplicaPlacement;
import dev.cairn.operator.common.InvalidSpecException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * What to do to make a topic in the brokers match its spec; pure. Create a missing topic with its
 * configs; otherwise grow partitions when asked for more, and alter only the config keys whose
 * value differs (set) or that the spec no longer names (reset to the broker default), and change
 * the replication factor by partition reassignment ({@link ChangeReplicas}): a new replica goes to
 * the broker holding the fewest of the topic's replicas (in the rack holding the fewest of the
 * partition's replicas, when the brokers have racks: {@link ReplicaPlacement}); a removed one is,
 * in this order, a replica out of the ISR, then one sharing its rack with another replica, then the
 * last in the list, never the leader. What the brokers cannot do is reported as a problem instead:
 * partitions never shrink, and a replication factor above the number of brokers or below the
 * topic's min.insync.replicas (every acks=all write would fail) is refused. While a reassignment of
 * the topic is in progress, the replication factor is left alone ({@code waiting}).
 */
public record TopicPlan(List<Action> actions, List<String> problems, List<String> waiting) {

  /** One change to apply, in order. */
  public sealed interface Action {}

  public record Create(int partitions, int replicas, Map<String, String> config)
      implements Action {}

  public record GrowPartitions(int from, int to) implements Action {}

  public record AlterConfigs(Map<String, String> set, Set<String> reset) implements Action {}

  /** Reassign each partition to its target replicas, changing the replication factor. */
  public record ChangeReplicas(int from, int to, Map<Integer, List<Integer>> targets)
      implements Action {}

  public TopicPlan(List<Action> actions, List<String> problems) {
    this(actions, problems, List.of());
  }

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
    List<String> waiting = new ArrayList<>();
    boolean replicasDiffer =
        spec.replicas != topic.replicas()
            || topic.assignment().stream().anyMatch(p -> p.replicas().size() != spec.replicas);
    if (replicasDiffer) {
      String change =
          "Changing the replication factor from " + topic.replicas() + " to " + spec.replicas;
      if (topic.reassigning()) {
        waiting.add(change + ": waiting for the reassignment in progress to finish.");
      } else if (spec.replicas > topic.brokers().size()) {
        problems.add(
            change + " needs " + spec.replicas + " brokers; " + topic.brokers().size() + " run.");
      } else if (spec.replicas < topic.minInSync()) {
        problems.add(
            change
                + " would put every partition under its min.insync.replicas="
                + topic.minInSync()
                + ": acks=all writes would all fail. Lower min.insync.replicas first.");
      } else {
        actions.add(changeReplicas(topic, spec.replicas));
      }
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
    return new TopicPlan(actions, problems, waiting);
  }

  private static ChangeReplicas changeReplicas(ObservedTopic topic, int factor) {
    Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>();
    topic.assignment().forEach(p -> assignment.put(key(p.partition()), p.replicas()));
    ReplicaPlacement placement = new ReplicaPlacement(assignment, topic.brokers(), topic.racks());
    for (ObservedTopic.PartitionReplicas p : topic.assignment()) {
      TopicPartition tp = key(p.partition());
      for (int i = p.replicas().size(); i < factor; i++) {
        placement.add(tp);
      }
      List<Integer> removable =
          new ArrayList<>(p.replicas().stream().filter(b -> b != p.leader()).toList());
      for (int i = 0; i < p.replicas().size() - factor; i++) {
        int broker =
            removable.stream()
                .min(
                    Comparator.comparing((Integer b) -> p.isr().contains(b))
                        .thenComparing(b -> !placement.sharesRack(tp, b))
                        .thenComparing(b -> -p.replicas().indexOf(b)))
                .orElseThrow();
        removable.remove(Integer.valueOf(broker));
        placement.remove(tp, broker);
      }
    }
    Map<Integer, List<Integer>> targets = new TreeMap<>();
    placement.changes().forEach((tp, replicas) -> targets.put(tp.partition(), replicas));
    return new ChangeReplicas(topic.replicas(), factor, targets);
  }

  /** Placement works on partitions of one topic: the name does not matter. */
  private static TopicPartition key(int partition) {
    return new TopicPartition("", partition);
  }
}
