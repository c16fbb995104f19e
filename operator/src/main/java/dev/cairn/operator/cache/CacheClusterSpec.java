package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.PodSettings;
import dev.cairn.operator.common.Storage;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/** The desired state of a cache (Redis protocol). */
@ValidationRule(
    value =
        "(has(self.mode) && self.mode == 'replicated') || !has(self.replicas) ||"
            + " self.replicas == 1",
    message = "replicas other than 1 need mode: replicated")
@ValidationRule(
    value = "(has(self.mode) && self.mode == 'replicated') || !has(self.sentinel)",
    message = "sentinel settings need mode: replicated")
public class CacheClusterSpec {
  @JsonPropertyDescription(
      "standalone: one server; replicated: a primary, its replicas and sentinels that fail it"
          + " over.")
  public CacheMode mode = CacheMode.STANDALONE;

  @Min(1)
  @Max(9)
  @JsonPropertyDescription(
      "Cache servers: 1 when standalone; when replicated one primary plus replicas (default 3).")
  public Integer replicas;

  @JsonPropertyDescription("The sentinels of mode replicated; defaults when unset.")
  public CacheSentinel sentinel;

  @JsonPropertyDescription("Cache image; cairn/cache:<operator version> when unset.")
  public String image;

  @JsonPropertyDescription("CPU and memory requests and limits of the cache container.")
  public ResourceRequirements resources;

  @Pattern("^[0-9]+([kKmMgG][bB]?)?$")
  @JsonPropertyDescription(
      "Memory limit of the dataset in redis.conf units (e.g. 256mb, 1gb); 0 or unset: none.")
  public String maxmemory;

  @ValidationRule(
      value =
          "self in ['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu',"
              + " 'allkeys-random', 'volatile-random', 'volatile-ttl']",
      message = "maxmemoryPolicy must be one of Redis' eviction policies")
  @JsonPropertyDescription("What to evict when maxmemory is reached, as Redis' maxmemory-policy.")
  public String maxmemoryPolicy;

  @JsonPropertyDescription(
      "redis.conf keys the cache engine supports, e.g. timeout, maxclients, hz; keys the operator"
          + " derives (port, bind, dir, requirepass, maxmemory, ...) are rejected.")
  public Map<String, String> config;

  @JsonPropertyDescription("Password authentication; none when unset.")
  public CacheAuth auth;

  @JsonPropertyDescription(
      "What the cache persists on its volume: the append-only file (on by default) and RDB"
          + " snapshot rules.")
  public CachePersistence persistence = new CachePersistence();

  @JsonPropertyDescription("The data volume (RDB snapshots and the append-only file).")
  public Storage storage = new Storage();

  @JsonPropertyDescription("Scheduling of the pods.")
  public PodSettings template;

  /** True when the cache runs as a primary with replicas and sentinels. */
  @JsonIgnore
  public boolean replicated() {
    return mode == CacheMode.REPLICATED;
  }

  /** The number of cache servers. */
  public int servers() {
    return replicas != null ? replicas : replicated() ? 3 : 1;
  }

  /** The sentinel settings in force (the defaults when unset). */
  public CacheSentinel sentinels() {
    return sentinel == null ? new CacheSentinel() : sentinel;
  }
}
