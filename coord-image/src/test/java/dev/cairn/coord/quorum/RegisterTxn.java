package dev.cairn.coord.quorum;

import dev.cairn.common.history.Register;
import dev.cairn.common.history.Register.Op;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A client's register operation as a txn: who asked (server, client, request) and what. */
record RegisterTxn(int origin, int client, int request, Op op) {
  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(origin);
      out.writeInt(client);
      out.writeInt(request);
      out.writeByte(op.kind().ordinal());
      out.writeUTF(op.key());
      out.writeLong(op.value() == null ? 0 : op.value());
      out.writeLong(op.expected() == null ? 0 : op.expected());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static RegisterTxn decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int origin = in.readInt();
      int client = in.readInt();
      int request = in.readInt();
      Register.Kind kind = Register.Kind.values()[in.readByte()];
      String key = in.readUTF();
      long value = in.readLong();
      long expected = in.readLong();
      Op op =
          switch (kind) {
            case WRITE -> Op.write(key, value);
            case READ -> Op.read(key);
            case CAS -> Op.cas(key, expected, value);
          };
      return new RegisterTxn(origin, client, request, op);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
