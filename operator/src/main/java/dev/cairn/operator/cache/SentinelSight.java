package dev.cairn.operator.cache;

import dev.cairn.operator.common.PodView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one sentinel says of the master ({@code SENTINEL MASTER}), its replicas ({@code SENTINEL
 * REPLICAS}) and the other sentinels ({@code SENTINEL SENTINELS}), each entry as field → value.
 */
record SentinelSight(
    PodView pod,
    Map<String, String> master,
    List<Map<String, String>> replicas,
    List<Map<String, String>> sentinels) {

  /** The three replies parsed, or null when one of them is not a list (no answer, no master). */
  static SentinelSight of(PodView pod, Object master, Object replicas, Object sentinels) {
    if (!(master instanceof List<?> m)
        || !(replicas instanceof List<?> r)
        || !(sentinels instanceof List<?> s)) {
      return null;
    }
    return new SentinelSight(pod, fields(m), entries(r), entries(s));
  }

  /** A flat field, value, field, value … reply as a map. */
  static Map<String, String> fields(List<?> flat) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return out;
  }

  private static List<Map<String, String>> entries(List<?> reply) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Object e : reply) {
      if (e instanceof List<?> flat) {
        out.add(fields(flat));
      }
    }
    return out;
  }

  /**
   * Why this sentinel could not take its part in a failover now, or null: a failover under way or
   * the master down in its eyes, another master, a live replica it does not know as up with its
   * link to the master up (read from the replica's own INFO), or another sentinel it does not know
   * as up. A sentinel just reset is unsettled until it has found them all again.
   *
   * @param liveReplicaIps the replicas online with the primary, by its INFO
   * @param sentinelIps the IPs of all sentinel pods, this one's included
   */
  String unsettled(String masterIp, Set<String> liveReplicaIps, Set<String> sentinelIps) {
    String flags = master.getOrDefault("flags", "");
    if (flags.contains("failover_in_progress") || flags.contains("down")) {
      return "sentinel " + pod.name() + " flags the master " + flags;
    }
    if (!masterIp.equals(master.get("ip"))) {
      return "sentinel " + pod.name() + " names the master " + master.get("ip");
    }
    for (String ip : liveReplicaIps) {
      if (replicas.stream().noneMatch(r -> ip.equals(r.get("ip")) && replicaUp(r))) {
        return "sentinel " + pod.name() + " does not know the replica " + ip + " up yet";
      }
    }
    for (String ip : sentinelIps) {
      if (!ip.equals(pod.ip())
          && sentinels.stream().noneMatch(s -> ip.equals(s.get("ip")) && up(s))) {
        return "sentinel " + pod.name() + " does not know the sentinel " + ip + " yet";
      }
    }
    return null;
  }

  /**
   * A replica this sentinel lists down at an address no cache server pod has (the pod was removed,
   * or came back at another address), or null. Sentinels never forget a replica on their own.
   */
  String removedReplica(Set<String> serverIps) {
    return replicas.stream()
        .filter(r -> !up(r) && !serverIps.contains(r.get("ip")))
        .map(r -> r.get("ip"))
        .findFirst()
        .orElse(null);
  }

  private static boolean up(Map<String, String> entry) {
    return !entry.getOrDefault("flags", "").contains("s_down");
  }

  private static boolean replicaUp(Map<String, String> replica) {
    return up(replica) && "ok".equals(replica.get("master-link-status"));
  }
}
