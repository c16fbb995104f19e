package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Encodings;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * DUMP's serialized value, as Redis's createDumpPayload: the RDB type byte and payload, the RDB
 * version (2 bytes LE), and the CRC-64 of all of that (8 bytes LE). Redis refuses a payload from a
 * newer RDB version or with a wrong CRC; so does {@link #decode}.
 */
public final class DumpPayload {
  private static final int FOOTER = 10;

  private DumpPayload() {}

  public static byte[] encode(Object value, boolean compress) {
    RdbOutput out = new RdbOutput(compress, 64);
    ValueWriter.write(out, null, value);
    out.writeLittleEndian(RdbFormat.VERSION, 2);
    out.writeLittleEndian(Crc64.update(0, out.array(), 0, out.size()), 8);
    return out.toByteArray();
  }

  /** Whether the footer's version is one this server reads and the CRC matches. */
  public static boolean verify(byte[] payload) {
    if (payload.length < FOOTER) {
      return false;
    }
    int at = payload.length - FOOTER;
    int version = (payload[at] & 0xff) | (payload[at + 1] & 0xff) << 8;
    if (version > RdbFormat.VERSION) {
      return false;
    }
    long crc = 0;
    for (int i = 7; i >= 0; i--) {
      crc = (crc << 8) | (payload[at + 2 + i] & 0xff);
    }
    return Crc64.update(0, payload, 0, payload.length - 8) == crc;
  }

  /**
   * The value of a verified payload, in the encodings {@code limits} give it, or null if it is an
   * empty collection.
   *
   * @throws RdbCorruptException if the body is not exactly one well-formed value
   */
  public static Object decode(byte[] payload, Encodings limits) throws IOException {
    int body = payload.length - FOOTER;
    RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, body), body);
    Object value = ValueReader.read(in, in.readByte(), limits);
    if (in.remaining() != 0) {
      throw in.corrupt("bytes left after the value");
    }
    return value;
  }
}
