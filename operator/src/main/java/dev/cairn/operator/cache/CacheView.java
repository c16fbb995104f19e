package dev.cairn.operator.cache;

import dev.cairn.operator.common.EngineView;
import java.util.List;

/**
 * What the sentinels and the primary of a cache said in one reconcile.
 *
 * @param primaryPod the pod the sentinels name master (restarted last), or null
 * @param replicas the replicas attached to it, from its INFO replication
 * @param offset the primary's master_repl_offset
 * @param readySentinels sentinel pods that are ready
 */
record CacheView(
    String primaryPod, List<CacheReplicaStatus> replicas, Long offset, int readySentinels)
    implements EngineView {
  @Override
  public String last() {
    return primaryPod;
  }
}
