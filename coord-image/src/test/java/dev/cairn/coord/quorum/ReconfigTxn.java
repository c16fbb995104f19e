package dev.cairn.coord.quorum;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A reconfiguration as the simulated servers log it: who asked and the configuration, its version
 * the txn's zxid. A marker first tells it from a {@link RegisterTxn} (whose first field, a server
 * id, is never negative).
 */
record ReconfigTxn(int origin, int client, int request, Membership config) {
  private static final int MARKER = -1;

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MARKER);
      out.writeInt(origin);
      out.writeInt(client);
      out.writeInt(request);
      out.writeUTF(config.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The reconfiguration {@code data} holds, or null for any other txn. */
  static ReconfigTxn decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MARKER) {
        return null;
      }
      return new ReconfigTxn(
          in.readInt(), in.readInt(), in.readInt(), Membership.parse(in.readUTF(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
