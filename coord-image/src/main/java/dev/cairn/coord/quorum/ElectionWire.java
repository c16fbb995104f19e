package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * FastLeaderElection notifications as Apache ZooKeeper 3.5+ puts them on its election port (its
 * {@code FastLeaderElection.buildMsg} and {@code WorkerReceiver}): state (int, ZooKeeper's ordinals
 * LOOKING 0, FOLLOWING 1, LEADING 2, OBSERVING 3), proposed leader, zxid, election epoch, peer
 * epoch (longs), message version 2 (int), then the sender's committed configuration in {@code
 * QuorumVerifier.toString()} text, length-prefixed. Cairn servers use this format among themselves
 * too, so a mixed ensemble needs nothing told.
 */
final class ElectionWire {
  /** ZooKeeper's {@code Notification.CURRENTVERSION}: the format that carries the configuration. */
  static final int VERSION = 2;

  /** The fixed part before the configuration. */
  private static final int HEADER = 4 + 8 * 4 + 4 + 4;

  private ElectionWire() {}

  static byte[] encode(Notification n) {
    byte[] config = n.config().toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(HEADER + config.length);
    b.putInt(n.state().ordinal());
    b.putLong(n.vote().leader());
    b.putLong(n.vote().zxid());
    b.putLong(n.vote().electionEpoch());
    b.putLong(n.vote().peerEpoch());
    b.putInt(VERSION);
    b.putInt(config.length);
    b.put(config);
    return b.array();
  }

  /**
   * Reads one notification. The older formats ZooKeeper still reads (28 and 40 bytes, before 3.4.6
   * and before 3.5) carry no configuration; no server that speaks them can join a 3.9 ensemble, so
   * they are refused rather than guessed at.
   */
  static Notification decode(byte[] frame) throws IOException {
    if (frame.length < HEADER) {
      throw new IOException(
          "a "
              + frame.length
              + "-byte election notification: only ZooKeeper 3.5+'s format (at least "
              + HEADER
              + " bytes, with the configuration) is understood");
    }
    ByteBuffer b = ByteBuffer.wrap(frame);
    try {
      int state = b.getInt();
      if (state < 0 || state >= ServerState.values().length) {
        throw new IOException("unknown server state " + state + " in an election notification");
      }
      Vote vote = new Vote(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      int version = b.getInt();
      if (version < VERSION) {
        throw new IOException(
            "election notification version " + version + ": it carries no configuration");
      }
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IOException(
            "configuration length " + length + " in a " + frame.length + "-byte notification");
      }
      byte[] config = new byte[length];
      b.get(config);
      Membership membership;
      try {
        membership = Membership.parse(new String(config, StandardCharsets.UTF_8), 0);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "unreadable configuration in an election notification: " + e.getMessage(), e);
      }
      // Later versions may append fields; ZooKeeper ignores what follows, and so does this.
      return new Notification(vote, ServerState.values()[state], membership);
    } catch (BufferUnderflowException e) {
      throw new IOException("a truncated election notification of " + frame.length + " bytes", e);
    }
  }
}
