package dev.cairn.operator.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Status of a resource that runs pods: how many of them are ready. */
public class ReplicatedStatus extends ClusterStatus {
  @JsonPropertyDescription(
      "Pods that pass their readiness probe (the engine reports itself ready).")
  public Integer readyReplicas = 0;
}
