package dev.cairn.coord.tree;

/**
 * What a node's {@code ephemeralOwner} stat field means, encoded as ZooKeeper encodes it so clients
 * read the same values: 0 for a persistent node, {@link #CONTAINER} ({@code Long.MIN_VALUE}) for a
 * container, {@code 0xFF00_0000_0000_0000 | ttlMillis} for a TTL node (the extended types, only
 * when {@code extendedTypesEnabled}), and otherwise the owning session's id.
 */
public final class EphemeralOwner {
  public static final long CONTAINER = Long.MIN_VALUE;
  private static final long EXTENDED_MASK = 0xFF00_0000_0000_0000L;

  /** The largest TTL the encoding holds: 40 bits of milliseconds under the type bytes. */
  public static final long MAX_TTL = 0x0000_00FF_FFFF_FFFFL;

  private EphemeralOwner() {}

  public static long ttl(long ttlMillis) {
    return EXTENDED_MASK | ttlMillis;
  }

  public static boolean isContainer(long owner) {
    return owner == CONTAINER;
  }

  public static boolean isTtl(long owner) {
    return owner != CONTAINER && (owner & EXTENDED_MASK) == EXTENDED_MASK;
  }

  public static long ttlMillis(long owner) {
    return owner & MAX_TTL;
  }

  /** Whether the node is owned by a session (deleted with it). */
  public static boolean isSession(long owner) {
    return owner != 0 && !isContainer(owner) && !isTtl(owner);
  }
}
