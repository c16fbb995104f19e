package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The sentinels of a replicated cache: how many, how many must agree that the primary is down, and
 * Redis Sentinel's timing. Defaults fail a dead primary over in a few seconds, which is what a
 * cache inside one cluster network wants (Redis's own 30 s default is for WAN deployments).
 */
@ValidationRule(
    value = "(has(self.quorum) ? self.quorum : 2) <= (has(self.count) ? self.count : 3)",
    message = "sentinel.quorum must be <= sentinel.count")
public class CacheSentinel {
  @Min(1)
  @Max(7)
  @JsonPropertyDescription("Sentinel pods (3 by default: a failover needs a majority of them).")
  public int count = 3;

  @Min(1)
  @JsonPropertyDescription(
      "Sentinels that must see the primary down before a failover starts (Redis's quorum).")
  public int quorum = 2;

  @Min(100)
  @JsonPropertyDescription(
      "How long the primary may not answer before a sentinel sees it down, as sentinel"
          + " down-after-milliseconds (default 5000).")
  public long downAfterMilliseconds = 5000;

  @Min(1000)
  @JsonPropertyDescription("Redis Sentinel's failover-timeout in milliseconds (default 60000).")
  public long failoverTimeout = 60000;
}
