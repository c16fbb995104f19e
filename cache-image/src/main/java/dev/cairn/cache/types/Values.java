package dev.cairn.cache.types;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.stream.Stream;

/**
 * Typed access to keyspace values: each returns null for a missing key and throws WRONGTYPE for a
 * key of another type. Hashes and sets are {@link Dict}s (a set's values are null, a hash's are
 * byte strings), told apart by their {@link Dict.Kind}.
 */
final class Values {
  private Values() {}

  static byte[] string(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof byte[] b) {
      return b;
    }
    throw CommandError.WRONGTYPE;
  }

  static ListValue list(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof ListValue l) {
      return l;
    }
    throw CommandError.WRONGTYPE;
  }

  static Dict hash(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof Dict d && d.kind() == Dict.Kind.HASH) {
      return d;
    }
    throw CommandError.WRONGTYPE;
  }

  static Dict set(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof Dict d && d.kind() == Dict.Kind.SET) {
      return d;
    }
    throw CommandError.WRONGTYPE;
  }

  static ZSet zset(KeyEntry e) {
    if (e == null) {
      return null;
    }
    if (e.value instanceof ZSet z) {
      return z;
    }
    throw CommandError.WRONGTYPE;
  }

  /** TYPE's answer for a value. */
  static String typeName(Object v) {
    return switch (v) {
      case byte[] b -> "string";
      case ListValue l -> "list";
      case ZSet z -> "zset";
      case Dict d -> d.kind() == Dict.Kind.HASH ? "hash" : "set";
      case Stream st -> "stream";
      default -> "none";
    };
  }
}
