package dev.cairn.operator.broker;

import dev.cairn.operator.broker.BrokerView.PartitionView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;

/**
 * The next step of changing a broker cluster's size, decided from one round of Admin answers; pure,
 * so the rules are tested without brokers. Broker ids are pod ordinals, so scaling from {@code
 * running} to {@code desired} brokers removes brokers {@code desired .. running-1}.
 *
 * <p>Scaling down, as Strimzi's "empty the broker first" rule: while a partition still has a
 * replica on a broker being removed, the StatefulSet keeps its size and the operator reassigns
 * those replicas (AlterPartitionReassignments) to the least-loaded remaining brokers (rack-aware
 * when the brokers have racks: {@link ReplicaPlacement}); the brokers add the new replicas, wait
 * until they are in sync and only then drop the old ones, so no partition loses an in-sync replica
 * on the way. Once no partition is on a removed broker and no reassignment is in progress, the
 * StatefulSet shrinks. A scale-down that could never finish safely is refused and nothing is
 * applied: fewer brokers than a partition's replication factor (its replicas could not all be
 * placed) or than its {@code min.insync.replicas} (acks=all writes would fail for good).
 *
 * <p>Scaling up applies at once. With {@code rebalanceOnScaleUp}, once every broker is registered
 * and the cluster is settled (no reassignment in progress, nothing under-replicated or offline), a
 * broker that holds no replica while others hold two or more makes the operator move replicas until
 * no two brokers differ by more than one.
 */
record BrokerScaling(Kind kind, Map<TopicPartition, List<Integer>> moves, String message) {
  enum Kind {
    /** Apply the workload; {@code moves}, when not empty, are reassigned as well. */
    APPLY,
    /** Reassign {@code moves}; apply nothing yet. */
    MOVE,
    /** Apply nothing yet: {@code message} says what is awaited. */
    WAIT,
    /** The change cannot be made safely: {@code message} says why; apply nothing. */
    REFUSE
  }

  static final String REASON = "ScalingDown";
  static final String REFUSED = "ScaleDownRefused";
  static final String REBALANCING = "Rebalancing";

  BrokerScaling {
    moves = Map.copyOf(moves);
  }

  static BrokerScaling next(int desired, int running, boolean rebalance, BrokerView view) {
    if (desired < running) {
      return scaleDown(desired, running, view);
    }
    if (rebalance && desired == running) {
      return new BrokerScaling(Kind.APPLY, rebalance(desired, view), "");
    }
    return apply();
  }

  private static BrokerScaling apply() {
    return new BrokerScaling(Kind.APPLY, Map.of(), "");
  }

  private static BrokerScaling scaleDown(int desired, int running, BrokerView view) {
    String change = "Scaling down from " + running + " to " + desired + " brokers";
    List<String> unsafe = new ArrayList<>();
    Map<String, List<PartitionView>> byTopic =
        view.partitions().stream().collect(Collectors.groupingBy(PartitionView::topic));
    new TreeMap<>(byTopic)
        .forEach((topic, partitions) -> {
          int factor =
              partitions.stream().mapToInt(PartitionView::replicationFactor).max().orElse(0);
          int minInSync = partitions.stream().mapToInt(PartitionView::minInSync).max().orElse(1);
          if (factor > desired) {
            unsafe.add(topic + " has replication factor " + factor);
          } else if (minInSync > desired) {
            unsafe.add(topic + " has min.insync.replicas " + minInSync);
          }
        });
    if (!unsafe.isEmpty()) {
      return new BrokerScaling(
          Kind.REFUSE,
          Map.of(),
          change
              + " is refused: "
              + String.join(", ", unsafe)
              + ", more than "
              + desired
              + " brokers can hold or keep in sync. Lower the topics' replication factor first"
              + " (Topic spec.replicas) or set spec.replicas back to "
              + running
              + ". Nothing was changed.");
    }
    if (view.brokers().isEmpty()) {
      return wait(change + ": waiting for the brokers to describe their partitions.");
    }
    if (!view.reassigning().isEmpty()) {
      return wait(
          change
              + ": waiting for "
              + view.reassigning().size()
              + " partition reassignment(s) to finish.");
    }
    Set<Integer> leaving =
        IntStream.range(desired, running).boxed().collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> staying =
        view.brokers().stream().filter(b -> b < desired).collect(Collectors.toSet());
    List<PartitionView> toMove =
        view.partitions().stream()
            .filter(p -> p.replicas().stream().anyMatch(leaving::contains))
            .toList();
    if (toMove.isEmpty()) {
      return apply();
    }
    for (PartitionView p : toMove) {
      if (!p.hasLeader()) {
        return wait(change + ": waiting for " + p.id() + " to have a leader before it moves.");
      }
    }
    ReplicaPlacement placement =
        new ReplicaPlacement(assignment(view.partitions()), staying, view.racks());
    for (PartitionView p : toMove) {
      for (int broker : p.replicas()) {
        if (leaving.contains(broker) && !placement.replace(p.id(), broker, staying)) {
          return wait(
              change
                  + ": waiting for enough of brokers 0.."
                  + (desired - 1)
                  + " to register to take "
                  + p.id()
                  + ".");
        }
      }
    }
    return new BrokerScaling(
        Kind.MOVE,
        placement.changes(),
        change
            + ": moving "
            + toMove.size()
            + " partition(s) off broker(s) "
            + leaving
            + " first.");
  }

  /**
   * What a rebalance still waits for, or null when there is nothing to move: a settled cluster is
   * Ready only once the new brokers hold their share.
   */
  static String rebalancePending(int desired, BrokerView view) {
    if (!view.reassigning().isEmpty()) {
      return "Rebalancing: "
          + view.reassigning().size()
          + " partition reassignment(s) in progress.";
    }
    Map<TopicPartition, List<Integer>> moves = rebalance(desired, view);
    return moves.isEmpty()
        ? null
        : "Rebalancing: " + moves.size() + " partition(s) to move onto new brokers.";
  }

  private static Map<TopicPartition, List<Integer>> rebalance(int desired, BrokerView view) {
    Set<Integer> expected = IntStream.range(0, desired).boxed().collect(Collectors.toSet());
    if (!view.brokers().containsAll(expected)
        || !view.reassigning().isEmpty()
        || view.underReplicated() > 0
        || view.offline() > 0
        || view.partitions().isEmpty()) {
      return Map.of();
    }
    ReplicaPlacement placement =
        new ReplicaPlacement(assignment(view.partitions()), expected, view.racks());
    Map<Integer, Integer> load = placement.load();
    boolean emptyBroker = load.containsValue(0);
    if (!emptyBroker || load.values().stream().mapToInt(Integer::intValue).max().orElse(0) < 2) {
      return Map.of();
    }
    placement.balance();
    return placement.changes();
  }

  private static Map<TopicPartition, List<Integer>> assignment(List<PartitionView> partitions) {
    return partitions.stream()
        .collect(Collectors.toMap(PartitionView::id, PartitionView::replicas, (a, b) -> a));
  }

  private static BrokerScaling wait(String message) {
    return new BrokerScaling(Kind.WAIT, Map.of(), message);
  }
}
