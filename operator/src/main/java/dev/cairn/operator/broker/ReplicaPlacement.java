package dev.cairn.operator.broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Changes to where replicas live, worked out on a copy of the current assignment; pure. Every new
 * replica goes to the broker holding the fewest replicas (the lowest id among equals, so a plan is
 * reproducible), and a replaced replica keeps its position in the list, so the preferred leader of
 * a partition moves only when the preferred broker itself leaves. The changed partitions' complete
 * target lists are what AlterPartitionReassignments takes.
 *
 * <p>Loads count the replicas of the assignment given, so a plan over one topic balances that topic
 * and a plan over the cluster balances the cluster. Racks are not considered.
 */
public final class ReplicaPlacement {
  private final Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>();
  private final Map<Integer, Integer> load = new TreeMap<>();
  private final Map<TopicPartition, List<Integer>> changes = new LinkedHashMap<>();

  /**
   * @param assignment each partition's replicas, preferred leader first
   * @param brokers the brokers that may take replicas (their load starts at what they hold)
   */
  public ReplicaPlacement(Map<TopicPartition, List<Integer>> assignment, Set<Integer> brokers) {
    brokers.forEach(b -> load.put(b, 0));
    assignment.forEach((tp, replicas) -> {
      this.assignment.put(tp, new ArrayList<>(replicas));
      replicas.forEach(b -> load.computeIfPresent(b, (k, n) -> n + 1));
    });
  }

  /** Replicas each candidate broker holds, as planned so far. */
  public Map<Integer, Integer> load() {
    return Map.copyOf(load);
  }

  /**
   * Replaces broker {@code leaving}'s replica of {@code tp} with the least-loaded broker of {@code
   * candidates} that holds none of it; false when there is none.
   */
  public boolean replace(TopicPartition tp, int leaving, Set<Integer> candidates) {
    List<Integer> replicas = assignment.get(tp);
    int at = replicas.indexOf(leaving);
    if (at < 0) {
      return true;
    }
    Optional<Integer> target = leastLoaded(candidates, replicas);
    if (target.isEmpty()) {
      return false;
    }
    replicas.set(at, target.get());
    load.computeIfPresent(leaving, (k, n) -> n - 1);
    load.merge(target.get(), 1, Integer::sum);
    changes.put(tp, List.copyOf(replicas));
    return true;
  }

  /** Adds a replica of {@code tp} on the least-loaded broker not holding one; false if none. */
  public boolean add(TopicPartition tp) {
    List<Integer> replicas = assignment.get(tp);
    Optional<Integer> target = leastLoaded(load.keySet(), replicas);
    if (target.isEmpty()) {
      return false;
    }
    replicas.add(target.get());
    load.merge(target.get(), 1, Integer::sum);
    changes.put(tp, List.copyOf(replicas));
    return true;
  }

  /** Removes {@code broker}'s replica of {@code tp}. */
  public void remove(TopicPartition tp, int broker) {
    if (assignment.get(tp).remove(Integer.valueOf(broker))) {
      load.computeIfPresent(broker, (k, n) -> n - 1);
      changes.put(tp, List.copyOf(assignment.get(tp)));
    }
  }

  /**
   * Moves replicas from the most to the least loaded broker until no two brokers differ by more
   * than one replica or no partition can move; at most one move per replica in the assignment.
   */
  public void balance() {
    int bound = assignment.values().stream().mapToInt(List::size).sum();
    for (int i = 0; i < bound; i++) {
      int most = load.entrySet().stream().max(byLoad()).orElseThrow().getKey();
      int least = load.entrySet().stream().min(byLoad()).orElseThrow().getKey();
      if (load.get(most) - load.get(least) <= 1) {
        return;
      }
      Optional<TopicPartition> movable =
          assignment.entrySet().stream()
              .filter(e -> e.getValue().contains(most) && !e.getValue().contains(least))
              .map(Map.Entry::getKey)
              .findFirst();
      if (movable.isEmpty()) {
        return;
      }
      replace(movable.get(), most, Set.of(least));
    }
  }

  /** The target replica list of every partition changed so far. */
  public Map<TopicPartition, List<Integer>> changes() {
    return Map.copyOf(changes);
  }

  private Optional<Integer> leastLoaded(Set<Integer> candidates, List<Integer> holding) {
    return load.entrySet().stream()
        .filter(e -> candidates.contains(e.getKey()) && !holding.contains(e.getKey()))
        .min(byLoad())
        .map(Map.Entry::getKey);
  }

  /** By load, then by id (lower first), so ties break the same way every time. */
  private static Comparator<Map.Entry<Integer, Integer>> byLoad() {
    return Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey());
  }
}
