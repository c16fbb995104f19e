package dev.cairn.operator.cache;

import java.util.List;
import java.util.Set;

/**
 * Whether a sentinel should get {@code SENTINEL RESET} this round, as the Redis docs recommend for
 * removing a replica: after the scale-down has completed, one sentinel at a time, the next only
 * once the one reset has found the live replicas and the other sentinels again. A sentinel that has
 * just been reset knows no replica and no other sentinel, so it can neither be elected nor promote
 * anything: were two reset together, three sentinels would lose their quorum of two.
 *
 * @param unsettled why a sentinel could not take part in a failover now (see {@link
 *     SentinelSight#unsettled}), or null; restarts wait for it too
 * @param reset the sentinel to reset, or null
 * @param removed the removed replica's IP that {@code reset} still lists
 */
record SentinelReset(String unsettled, SentinelSight reset, String removed) {

  /**
   * @param sights what the sentinels that answered said
   * @param sentinelPods how many sentinel pods there are
   * @param serverIps every cache server pod's IP, terminating ones included
   * @param serversSettled every server pod is ready, none is terminating, and every one but the
   *     primary is online with it: no restart or scale-down is under way
   * @param liveReplicaIps the replicas online with the primary
   * @param sentinelIps every sentinel pod's IP
   */
  static SentinelReset plan(
      List<SentinelSight> sights,
      int sentinelPods,
      String masterIp,
      Set<String> serverIps,
      boolean serversSettled,
      Set<String> liveReplicaIps,
      Set<String> sentinelIps) {
    for (SentinelSight s : sights) {
      String why = s.unsettled(masterIp, liveReplicaIps, sentinelIps);
      if (why != null) {
        return new SentinelReset(why, null, null);
      }
    }
    if (!serversSettled || sights.size() < sentinelPods) {
      return new SentinelReset(null, null, null);
    }
    for (SentinelSight s : sights) {
      String removed = s.removedReplica(serverIps);
      if (removed != null) {
        return new SentinelReset(null, s, removed);
      }
    }
    return new SentinelReset(null, null, null);
  }
}
