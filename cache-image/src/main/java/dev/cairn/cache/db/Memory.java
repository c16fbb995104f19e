package dev.cairn.cache.db;

import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;

/**
 * Memory estimates for {@code used_memory}, MEMORY USAGE and maxmemory: object sizes as the JVM
 * lays them out with compressed references (16-byte array header, 8-byte alignment), so the numbers
 * track the heap the data really occupies, not element counts.
 */
public final class Memory {
  private Memory() {}

  public static int sizeOf(byte[] b) {
    return align(16 + b.length);
  }

  public static int align(long n) {
    return (int) ((n + 7) & ~7L);
  }

  /** Size of a leaf value held inline in a dict entry (byte string or score). */
  static int sizeOfLeaf(Object v) {
    if (v instanceof byte[] b) {
      return sizeOf(b);
    }
    if (v instanceof Double) {
      return 16;
    }
    return 0;
  }

  /** Size of a keyspace value of any type. */
  public static long sizeOfValue(Object v) {
    return switch (v) {
      case byte[] b -> sizeOf(b);
      case ListValue l -> l.bytes();
      case Dict d -> 24 + d.bytes();
      case ZSet z -> z.bytes();
      case Stream s -> s.bytes();
      case null -> 0;
      default -> 16;
    };
  }
}
