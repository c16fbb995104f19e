package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ReplicatedStatus;

/** The observed state of a cache. */
public class CacheClusterStatus extends ReplicatedStatus {
  @JsonPropertyDescription("host:port clients connect to, e.g. my-cache.ns.svc:6379.")
  public String endpoints;
}
