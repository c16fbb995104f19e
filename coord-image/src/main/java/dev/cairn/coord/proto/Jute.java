package dev.cairn.coord.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;

/**
 * Reading and writing jute records. Every reader is bounded: a string, buffer or vector length
 * larger than {@code maxBuffer} fails the read instead of allocating it, so a hostile length field
 * can never exhaust memory.
 */
public final class Jute {
  private Jute() {}

  /** A bounded archive over {@code buf}'s readable bytes. */
  public static BinaryInputArchive reader(ByteBuf buf, int maxBuffer) {
    return new BinaryInputArchive(new DataInputStream(new ByteBufInputStream(buf)), maxBuffer, 0);
  }

  public static BinaryInputArchive reader(byte[] bytes, int maxBuffer) {
    return new BinaryInputArchive(
        new DataInputStream(new ByteArrayInputStream(bytes)), maxBuffer, 0);
  }

  public static BinaryOutputArchive writer(ByteBuf buf) {
    return new BinaryOutputArchive(new DataOutputStream(new ByteBufOutputStream(buf)));
  }

  /** Reads one record of the type {@code record} is, filling it. */
  public static <R extends Record> R read(BinaryInputArchive in, R record) throws IOException {
    record.deserialize(in, "r");
    return record;
  }

  /** A record's serialized bytes (txn payloads inside multi txns and the log). */
  public static byte[] bytes(Record record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try {
      record.serialize(new BinaryOutputArchive(new DataOutputStream(out)), "r");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static <R extends Record> R fromBytes(byte[] bytes, R record, int maxBuffer)
      throws IOException {
    record.deserialize(reader(bytes, maxBuffer), "r");
    return record;
  }
}
