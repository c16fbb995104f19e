package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.PodSettings;
import dev.cairn.operator.common.Storage;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/** The desired state of a cache (Redis protocol). */
public class CacheClusterSpec {
  @JsonPropertyDescription("standalone: one server (the only mode for now).")
  public CacheMode mode = CacheMode.STANDALONE;

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
}
