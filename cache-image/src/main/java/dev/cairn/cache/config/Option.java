package dev.cairn.cache.config;

import dev.cairn.common.config.ConfigKey;

/**
 * One row of the redis.conf key table.
 *
 * @param key the key: name, parser (Redis 7.0's validation) and default
 * @param change how CONFIG SET may change it, as Redis's config flags say
 * @param absent null when Cairn acts on the key; otherwise the feature Cairn does not have yet,
 *     named in the warning logged when the key is given a value other than its default
 */
public record Option(ConfigKey<?> key, Change change, String absent) {

  /** Redis's MODIFIABLE_CONFIG, IMMUTABLE_CONFIG and PROTECTED_CONFIG. */
  public enum Change {
    MODIFIABLE,
    /** Only in redis.conf or on the command line. */
    IMMUTABLE,
    /** CONFIG SET only where enable-protected-configs allows it. */
    PROTECTED
  }

  public String name() {
    return key.name();
  }

  public boolean inert() {
    return absent != null;
  }
}
