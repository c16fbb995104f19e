package dev.cairn.cache.db;

import java.util.Locale;

/**
 * The eight maxmemory-policy values and which keys each may evict, in the order Redis lists them
 * (CONFIG SET's error names them in this order).
 */
public enum EvictionPolicy {
  VOLATILE_LRU,
  VOLATILE_LFU,
  VOLATILE_RANDOM,
  VOLATILE_TTL,
  ALLKEYS_LRU,
  ALLKEYS_LFU,
  ALLKEYS_RANDOM,
  NOEVICTION;

  /** The config spelling, e.g. "allkeys-lru". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static String[] configNames() {
    EvictionPolicy[] all = values();
    String[] names = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      names[i] = all[i].configName();
    }
    return names;
  }

  public static EvictionPolicy of(String configName) {
    return valueOf(configName.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  public boolean lfu() {
    return this == ALLKEYS_LFU || this == VOLATILE_LFU;
  }

  public boolean lru() {
    return this == ALLKEYS_LRU || this == VOLATILE_LRU;
  }

  public boolean volatileOnly() {
    return name().startsWith("VOLATILE");
  }

  public boolean random() {
    return this == ALLKEYS_RANDOM || this == VOLATILE_RANDOM;
  }
}
