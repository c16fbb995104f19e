package dev.cairn.broker.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replication state of one partition as the controller writes it: the leader (-1 when offline),
 * the leader epoch (bumped on every leader change, so stale leaders and clients can be told apart)
 * and the in-sync replicas.
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch) {
  public static final int NO_LEADER = -1;

  public PartitionState {
    isr = List.copyOf(isr);
  }

  public byte[] encode() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("leader", "" + leader);
    f.put("leader_epoch", "" + leaderEpoch);
    f.put("isr", ZnodeText.ints(isr));
    f.put("controller_epoch", "" + controllerEpoch);
    return ZnodeText.encode(f);
  }

  public static PartitionState decode(byte[] data) {
    Map<String, String> f = ZnodeText.decode(data);
    return new PartitionState(
        Integer.parseInt(f.getOrDefault("leader", "-1")),
        Integer.parseInt(f.getOrDefault("leader_epoch", "0")),
        ZnodeText.parseInts(f.get("isr")),
        Integer.parseInt(f.getOrDefault("controller_epoch", "0")));
  }
}
