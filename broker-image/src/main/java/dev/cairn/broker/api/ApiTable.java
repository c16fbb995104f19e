package dev.cairn.broker.api;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The protocol table: every API this broker implements, with the version range it serves and its
 * handler. ApiVersions answers from this table and nothing else, so the broker never advertises an
 * API it does not implement. The ranges start at the oldest version kafka-clients 4.x can still
 * parse and stop where a later version changes semantics we do not implement yet (e.g.
 * Produce/Fetch v13+ address topics by id only).
 */
public final class ApiTable {
  /** One row: an API, its supported versions, its handler. */
  public record Entry(ApiKeys key, short minVersion, short maxVersion, ApiHandler<?> handler) {}

  private final Map<ApiKeys, Entry> entries = new EnumMap<>(ApiKeys.class);

  /** Adds an API served from the oldest version kafka-clients knows up to {@code maxVersion}. */
  public <Q extends ApiMessage> ApiTable add(ApiKeys key, int maxVersion, ApiHandler<Q> handler) {
    if (maxVersion > key.latestVersion()) {
      throw new IllegalArgumentException(key + " has no version " + maxVersion);
    }
    entries.put(key, new Entry(key, key.oldestVersion(), (short) maxVersion, handler));
    return this;
  }

  public Entry get(ApiKeys key) {
    return entries.get(key);
  }

  public Collection<Entry> entries() {
    return entries.values();
  }

  /** The ApiVersions list of this table. */
  public ApiVersionCollection apiVersions() {
    ApiVersionCollection c = new ApiVersionCollection();
    for (Entry e : entries.values()) {
      c.add(
          new ApiVersion()
              .setApiKey(e.key().id)
              .setMinVersion(e.minVersion())
              .setMaxVersion(e.maxVersion()));
    }
    return c;
  }
}
