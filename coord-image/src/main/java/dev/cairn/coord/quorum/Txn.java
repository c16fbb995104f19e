package dev.cairn.coord.quorum;

import java.util.Arrays;

/**
 * One entry of the replicated history: its zxid and the bytes the state machine applies (for the
 * coordinator, a jute TxnHeader and txn record). Zab never looks inside.
 */
public record Txn(long zxid, byte[] data) {
  @Override
  public boolean equals(Object o) {
    return o instanceof Txn other && zxid == other.zxid && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(zxid) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Txn[" + Zxid.hex(zxid) + ", " + data.length + " bytes]";
  }
}
