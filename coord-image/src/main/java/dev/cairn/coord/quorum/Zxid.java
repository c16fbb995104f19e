package dev.cairn.coord.quorum;

/**
 * A transaction id: the leader's epoch in the high 32 bits, a counter the leader increments per
 * proposal in the low 32. Zxids order all of an ensemble's transactions; within an epoch they are
 * proposed by one leader only, so two txns with the same zxid are the same txn.
 */
public final class Zxid {
  private Zxid() {}

  public static long of(long epoch, long counter) {
    return (epoch << 32) | (counter & 0xffffffffL);
  }

  public static long epoch(long zxid) {
    return zxid >>> 32;
  }

  public static long counter(long zxid) {
    return zxid & 0xffffffffL;
  }

  public static String hex(long zxid) {
    return "0x" + Long.toHexString(zxid);
  }
}
