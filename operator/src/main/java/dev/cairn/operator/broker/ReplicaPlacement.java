package dev.cairn.operator.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * Changes to where replicas live, worked out on a copy of the current assignment; pure. Every new
 * replica goes to the broker holding the fewest replicas (the lowest id among equals, so a plan is
 * reproducible), and a replaced replica keeps its position in the list, so the preferred leader of
 * a partition moves only when the preferred broker itself leaves. The changed partitions' complete
 * target lists are what AlterPartitionReassignments takes.
 *
 * <p>Loads count the replicas of the assignment given, so a plan over one topic balances that topic
 * and a plan over the cluster balances the cluster.
 *
 * <p>Racks count when every candidate broker has one ({@code broker.rack}, as DescribeCluster
 * reports it), the rule the brokers' own placement follows: then a new replica goes to a broker in
 * the rack holding the fewest of the partition's other replicas, and only among those to the least
 * loaded, so a partition never gets a second replica in a rack while another rack has none of it; a
 * balancing move never takes a replica into a rack holding as many of its partition's replicas as
 * the rack it leaves. Without racks every broker is in the same (unnamed) rack and load alone
 * decides.
 */
public final class ReplicaPlacement {
  private final Map<TopicPartition, List<Integer>> assignment = new LinkedHashMap<>();
  private final Map<Integer, Integer> load = new TreeMap<>();
  private final Map<TopicPartition, List<Integer>> changes = new LinkedHashMap<>();
  private final Map<Integer, String> racks;

  /** A placement that does not consider racks. */
  public ReplicaPlacement(Map<TopicPartition, List<Integer>> assignment, Set<Integer> brokers) {
    this(assignment, brokers, Map.of());
  }

  /**
   * @param assignment each partition's replicas, preferred leader first
   * @param brokers the brokers that may take replicas (their load starts at what they hold)
   * @param racks the rack of each broker that has one; ignored unless every one of {@code brokers}
   *     has one
   */
  public ReplicaPlacement(
      Map<TopicPartition, List<Integer>> assignment,
      Set<Integer> brokers,
      Map<Integer, String> racks) {
    this.racks = racks.keySet().containsAll(brokers) ? Map.copyOf(racks) : Map.of();
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
    List<Integer> others = new ArrayList<>(replicas);
    others.remove(at);
    Optional<Integer> target = leastLoaded(candidates, others, replicas);
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
    Optional<Integer> target = leastLoaded(load.keySet(), replicas, replicas);
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
   * Whether another replica of {@code tp}, as planned so far, is in {@code broker}'s rack; always
   * false without racks. Of replicas to remove, one that shares its rack costs the partition no
   * rack.
   */
  public boolean sharesRack(TopicPartition tp, int broker) {
    String rack = racks.get(broker);
    return rack != null && inRack(assignment.get(tp), rack) > 1;
  }

  /**
   * Moves replicas from more to less loaded brokers until no two brokers differ by more than one
   * replica or no partition can move; at most one move per replica in the assignment. Each move
   * goes from the most loaded broker that has a movable replica to the least loaded broker that can
   * take it; with racks, a move the rack rule forbids is skipped for the next pair.
   */
  public void balance() {
    int bound = assignment.values().stream().mapToInt(List::size).sum();
    for (int i = 0; i < bound; i++) {
      Optional<Move> move = nextMove();
      if (move.isEmpty()) {
        return;
      }
      replace(move.get().tp(), move.get().from(), Set.of(move.get().to()));
    }
  }

  private record Move(TopicPartition tp, int from, int to) {}

  private Optional<Move> nextMove() {
    List<Integer> ascending =
        load.entrySet().stream().sorted(byLoad()).map(Map.Entry::getKey).toList();
    for (int to : ascending) {
      for (int from : ascending.reversed()) {
        if (load.get(from) - load.get(to) <= 1) {
          break;
        }
        Optional<TopicPartition> movable =
            assignment.entrySet().stream()
                .filter(e -> e.getValue().contains(from) && !e.getValue().contains(to))
                .filter(e -> keepsRacksSpread(e.getValue(), from, to))
                .map(Map.Entry::getKey)
                .findFirst();
        if (movable.isPresent()) {
          return Optional.of(new Move(movable.get(), from, to));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether moving {@code from}'s replica to {@code to} leaves the racks no less spread. */
  private boolean keepsRacksSpread(List<Integer> replicas, int from, int to) {
    String source = racks.get(from);
    String target = racks.get(to);
    return Objects.equals(source, target) || inRack(replicas, target) < inRack(replicas, source);
  }

  /** The target replica list of every partition changed so far. */
  public Map<TopicPartition, List<Integer>> changes() {
    return Map.copyOf(changes);
  }

  /**
   * The candidate not in {@code holding} whose rack holds the fewest of {@code others} (the
   * partition's replicas that stay), then the least loaded, then the lowest id.
   */
  private Optional<Integer> leastLoaded(
      Set<Integer> candidates, List<Integer> others, List<Integer> holding) {
    Comparator<Map.Entry<Integer, Integer>> byRack =
        Comparator.comparingInt(e -> inRack(others, racks.get(e.getKey())));
    return load.entrySet().stream()
        .filter(e -> candidates.contains(e.getKey()) && !holding.contains(e.getKey()))
        .min(byRack.thenComparing(byLoad()))
        .map(Map.Entry::getKey);
  }

  /** How many of {@code replicas} are in {@code rack} (all of them when racks are not known). */
  private int inRack(List<Integer> replicas, String rack) {
    return (int) replicas.stream().filter(b -> Objects.equals(racks.get(b), rack)).count();
  }

  /** The racks of the brokers that have one, from DescribeCluster's nodes. */
  public static Map<Integer, String> racks(Collection<Node> nodes) {
    return nodes.stream()
        .filter(Node::hasRack)
        .collect(Collectors.toMap(Node::id, Node::rack, (a, b) -> a));
  }

  /** By load, then by id (lower first), so ties break the same way every time. */
  private static Comparator<Map.Entry<Integer, Integer>> byLoad() {
    return Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey());
  }
}
