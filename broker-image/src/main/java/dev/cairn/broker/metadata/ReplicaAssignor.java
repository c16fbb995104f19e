package dev.cairn.broker.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Kafka's rack-unaware replica placement, as a pure function. With brokers {@code b[0..n)} sorted
 * by id, partition {@code p}'s first replica is {@code b[(p + startIndex) mod n]}; the other
 * replicas follow at shifts {@code 1 + (shift + j) mod (n - 1)} from it, where {@code shift} starts
 * at {@code startShift} and grows by one every {@code n} partitions — so leaders spread evenly and
 * followers of consecutive partitions do not pile onto the same broker. Callers choose {@code
 * startIndex} and {@code startShift} at random for new topics, as Kafka does.
 */
public final class ReplicaAssignor {
  private ReplicaAssignor() {}

  public static Map<Integer, List<Integer>> assign(
      List<Integer> sortedBrokers,
      int partitions,
      int replicationFactor,
      int startPartition,
      int startIndex,
      int startShift) {
    int n = sortedBrokers.size();
    if (replicationFactor <= 0) {
      throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
    }
    if (replicationFactor > n) {
      throw new InvalidReplicationFactorException(
          "Replication factor: "
              + replicationFactor
              + " larger than available brokers: "
              + n
              + ".");
    }
    Map<Integer, List<Integer>> result = new LinkedHashMap<>();
    int shift = startShift;
    for (int p = startPartition; p < startPartition + partitions; p++) {
      if (p > 0 && p % n == 0) {
        shift++;
      }
      int first = (p + startIndex) % n;
      List<Integer> replicas = new ArrayList<>();
      replicas.add(sortedBrokers.get(first));
      for (int j = 0; j < replicationFactor - 1; j++) {
        int s = 1 + (shift + j) % (n - 1);
        replicas.add(sortedBrokers.get((first + s) % n));
      }
      result.put(p, replicas);
    }
    return result;
  }

  /**
   * Kafka's rack-aware placement: brokers are interleaved rack by rack (racks and brokers in each
   * sorted), then each partition's first replica is placed as above and every further replica is
   * the next broker along the shifted walk that adds a rack not yet holding one of the partition's
   * replicas (or, once every rack has one, a broker not yet holding one). Each partition thus spans
   * as many racks as it can, and leaders still spread evenly.
   */
  public static Map<Integer, List<Integer>> assignRackAware(
      Map<Integer, String> brokerRacks,
      int partitions,
      int replicationFactor,
      int startPartition,
      int startIndex,
      int startShift) {
    List<Integer> arranged = rackAlternated(brokerRacks);
    int n = arranged.size();
    if (replicationFactor <= 0) {
      throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
    }
    if (replicationFactor > n) {
      throw new InvalidReplicationFactorException(
          "Replication factor: "
              + replicationFactor
              + " larger than available brokers: "
              + n
              + ".");
    }
    int racks = new java.util.HashSet<>(brokerRacks.values()).size();
    Map<Integer, List<Integer>> result = new LinkedHashMap<>();
    int shift = startShift;
    for (int p = startPartition; p < startPartition + partitions; p++) {
      if (p > 0 && p % n == 0) {
        shift++;
      }
      int first = (p + startIndex) % n;
      List<Integer> replicas = new ArrayList<>();
      java.util.Set<String> racksUsed = new java.util.HashSet<>();
      int leader = arranged.get(first);
      replicas.add(leader);
      racksUsed.add(brokerRacks.get(leader));
      int k = 0;
      while (replicas.size() < replicationFactor) {
        int candidate = arranged.get((first + 1 + (shift * racks + k) % (n - 1)) % n);
        String rack = brokerRacks.get(candidate);
        k++;
        if ((!racksUsed.contains(rack) || racksUsed.size() == racks)
            && (!replicas.contains(candidate) || replicas.size() == n)) {
          replicas.add(candidate);
          racksUsed.add(rack);
        }
      }
      result.put(p, replicas);
    }
    return result;
  }

  /** Brokers taken one per rack in turn (racks sorted, brokers sorted within their rack). */
  static List<Integer> rackAlternated(Map<Integer, String> brokerRacks) {
    Map<String, java.util.Deque<Integer>> byRack = new java.util.TreeMap<>();
    new java.util.TreeMap<>(brokerRacks)
        .forEach(
            (b, rack) -> byRack.computeIfAbsent(rack, r -> new java.util.ArrayDeque<>()).add(b));
    List<Integer> out = new ArrayList<>();
    while (out.size() < brokerRacks.size()) {
      for (java.util.Deque<Integer> rack : byRack.values()) {
        if (!rack.isEmpty()) {
          out.add(rack.poll());
        }
      }
    }
    return out;
  }
}
