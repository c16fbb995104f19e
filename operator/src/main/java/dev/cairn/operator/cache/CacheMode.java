package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the cache runs. Only a single standalone server for now; replication and cluster follow. */
public enum CacheMode {
  @JsonProperty("standalone")
  STANDALONE
}
