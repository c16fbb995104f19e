package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ReplicatedStatus;
import java.util.List;

/** The observed state of a cache. */
public class CacheClusterStatus extends ReplicatedStatus {
  @JsonPropertyDescription("host:port clients connect to, e.g. my-cache.ns.svc:6379.")
  public String endpoints;

  @JsonPropertyDescription(
      "mode replicated: host:port of the sentinels' Service; the master name is the"
          + " CacheCluster's name.")
  public String sentinelEndpoints;

  @JsonPropertyDescription("mode replicated: the pod the sentinels name primary.")
  public String primary;

  @JsonPropertyDescription("mode replicated: the primary's replication offset.")
  public Long primaryOffset;

  @JsonPropertyDescription("mode replicated: the replicas attached to the primary.")
  public List<CacheReplicaStatus> replicas;

  @JsonPropertyDescription("mode replicated: sentinel pods that are ready.")
  public Integer readySentinels;

  @JsonPropertyDescription(
      "mode replicated: when the operator last saw the primary move to another pod (RFC 3339).")
  public String lastFailover;
}
