package dev.cairn.coord.quorum;

import dev.cairn.common.io.Crc32c;
import dev.cairn.common.io.Storage;
import java.nio.ByteBuffer;

/**
 * The state machine's state as of one committed zxid, in one file of the peer's storage, replaced
 * atomically: the history up to that zxid, so the log need not keep it.
 *
 * <pre>
 * file := zxid (long) | crc32c of state (int) | state
 * </pre>
 *
 * @param zxid the last txn the state includes
 * @param state the state machine's bytes
 */
record QuorumSnapshot(long zxid, byte[] state) {
  static final String FILE = "quorum.snapshot";

  /** The snapshot in {@code storage}, or null if there is none yet. */
  static QuorumSnapshot read(Storage storage) {
    byte[] content = storage.readAll(FILE);
    if (content == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(content);
    if (content.length < 12) {
      throw new IllegalStateException(FILE + " is cut short: " + content.length + " bytes");
    }
    long zxid = in.getLong();
    int crc = in.getInt();
    byte[] state = new byte[in.remaining()];
    in.get(state);
    if (Crc32c.compute(state) != crc) {
      // Written atomically: a bad checksum is damage, not a torn write. The history it holds
      // exists nowhere else on this server.
      throw new IllegalStateException(
          FILE + " fails its checksum (zxid " + Zxid.hex(zxid) + "): refusing to start");
    }
    return new QuorumSnapshot(zxid, state);
  }

  void write(Storage storage) {
    ByteBuffer out = ByteBuffer.allocate(12 + state.length);
    out.putLong(zxid);
    out.putInt(Crc32c.compute(state));
    out.put(state);
    storage.writeAtomically(FILE, out.array());
  }
}
