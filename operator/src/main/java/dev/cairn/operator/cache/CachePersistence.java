package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the cache writes to its volume so a pod that restarts comes back with its data. The default
 * is the append-only file with an fsync every second and no RDB schedule, as Bitnami's Redis chart
 * ships: at most about a second of writes lost on a crash, nothing on a graceful stop.
 */
public class CachePersistence {
  @JsonPropertyDescription(
      "The append-only file (Redis 7's multi-part AOF under appendonlydir/ on the volume), as"
          + " redis.conf's appendonly; on unless set to false.")
  public boolean aof = true;

  @ValidationRule(
      value = "self in ['always', 'everysec', 'no']",
      message = "aofFsync must be always, everysec or no")
  @JsonPropertyDescription(
      "When the append-only file is fsynced, as redis.conf's appendfsync: always (a write is"
          + " acknowledged after its fsync), everysec (up to a second lost on a crash) or no.")
  public String aofFsync = "everysec";

  @ValidationRule(
      value = "self.all(rule, rule.matches('^[0-9]+ [0-9]+$'))",
      message = "each rdbSave rule is '<seconds> <changes>', e.g. '3600 1'")
  @JsonPropertyDescription(
      "RDB snapshot rules as redis.conf's save, each '<seconds> <changes>' (e.g. ['3600 1', '300"
          + " 100']): a snapshot of dump.rdb when that many changes happened within that many"
          + " seconds. Empty (the default): snapshots only on SAVE/BGSAVE.")
  public List<String> rdbSave = new ArrayList<>();

  /** The redis.conf lines of these settings, in the order written. */
  void render(Map<String, String> keys) {
    keys.put("appendonly", aof ? "yes" : "no");
    keys.put("appendfsync", aofFsync);
    keys.put("save", rdbSave.isEmpty() ? "\"\"" : String.join(" ", rdbSave));
  }
}
