package dev.cairn.operator.common;

/**
 * What the engines of one cluster say about themselves, asked once per reconcile over their own
 * protocols: which pod the rolling restart keeps for last and whether a restart may start now. The
 * feature's status is described from the same answers, so it never mixes two rounds of probing.
 */
public interface EngineView {
  /** The pod to restart last (ensemble leader, broker controller), or null when unknown. */
  String last();

  /**
   * Why no pod may be restarted now although every pod is Ready (a follower not in sync), or null
   * when the engines allow it.
   */
  default String restartBlocked() {
    return null;
  }
}
