package dev.cairn.cache.acl;

import java.util.Locale;

/** Redis's ACL command categories (ACL CAT), written "@name" in rules. */
public enum Category {
  KEYSPACE,
  READ,
  WRITE,
  SET,
  SORTEDSET,
  LIST,
  HASH,
  STRING,
  BITMAP,
  HYPERLOGLOG,
  GEO,
  STREAM,
  PUBSUB,
  ADMIN,
  FAST,
  SLOW,
  BLOCKING,
  DANGEROUS,
  CONNECTION,
  TRANSACTION,
  SCRIPTING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Category of(String label) {
    for (Category c : values()) {
      if (c.label().equalsIgnoreCase(label)) {
        return c;
      }
    }
    return null;
  }
}
