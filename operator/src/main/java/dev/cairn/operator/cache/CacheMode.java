package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the cache runs: one server, or a primary with replicas watched by sentinels. */
public enum CacheMode {
  @JsonProperty("standalone")
  STANDALONE,
  @JsonProperty("replicated")
  REPLICATED
}
