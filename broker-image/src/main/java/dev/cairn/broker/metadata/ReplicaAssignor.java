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
}
