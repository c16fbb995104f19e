package dev.cairn.operator.cache;

import dev.cairn.operator.common.EngineView;
import dev.cairn.operator.common.PodView;
import java.util.List;

/**
 * What the sentinels and the primary of a cache said in one reconcile.
 *
 * @param primaryPod the pod the sentinels name master (restarted last), or null
 * @param replicas the replicas attached to it, from its INFO replication
 * @param offset the primary's master_repl_offset
 * @param readySentinels sentinel pods that are ready
 * @param primaryIp the primary pod's IP, or null
 * @param sentinels the sentinel pods
 * @param restartBlocked why a restart must wait, or null: a server pod restarted while another
 *     replica is not online with the primary could leave it none to acknowledge writes (WAIT) or to
 *     fail over to; one restarted while a sentinel does not know the live replicas and the other
 *     sentinels (just reset, or just started) could leave no quorum or nothing to promote
 * @param rotating what a password rotation waits for, or null when none is under way
 */
record CacheView(
    String primaryPod,
    List<CacheReplicaStatus> replicas,
    Long offset,
    int readySentinels,
    String primaryIp,
    List<PodView> sentinels,
    String restartBlocked,
    String rotating)
    implements EngineView {
  /** No primary known: a standalone cache, or (with {@code blocked}) a replicated one. */
  static CacheView none(int readySentinels, List<PodView> sentinels, String blocked) {
    return new CacheView(null, List.of(), null, readySentinels, null, sentinels, blocked, null);
  }

  CacheView rotating(String waiting) {
    return new CacheView(
        primaryPod,
        replicas,
        offset,
        readySentinels,
        primaryIp,
        sentinels,
        restartBlocked,
        waiting);
  }

  @Override
  public String last() {
    return primaryPod;
  }
}
