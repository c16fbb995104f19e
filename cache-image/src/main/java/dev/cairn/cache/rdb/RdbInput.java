package dev.cairn.cache.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads RDB-encoded data of a known total size (a file or a DUMP payload), keeping the byte offset
 * for error messages and the running CRC-64 of everything read for the trailer check. Every length
 * is checked against the bytes that remain before anything is allocated for it, so a corrupt length
 * fails cleanly instead of exhausting memory.
 */
public final class RdbInput {
  private final InputStream in;
  private final long total;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private int crcFrom;
  private long consumedBefore;
  private long crc;

  public RdbInput(InputStream in, long total) {
    this.in = in;
    this.total = total;
  }

  /** Bytes read so far. */
  public long offset() {
    return consumedBefore + pos;
  }

  public long remaining() {
    return total - offset();
  }

  public RdbCorruptException corrupt(String what) {
    return new RdbCorruptException(what, offset());
  }

  private void fill() throws IOException {
    crc = Crc64.update(crc, buf, crcFrom, limit - crcFrom);
    consumedBefore += limit;
    pos = 0;
    limit = 0;
    crcFrom = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      throw new RdbCorruptException("unexpected end of data: truncated", offset());
    }
    limit = n;
  }

  /** The CRC-64 of every byte read so far. */
  public long checksum() {
    crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
    crcFrom = pos;
    return crc;
  }

  public int readByte() throws IOException {
    if (pos == limit) {
      fill();
    }
    return buf[pos++] & 0xff;
  }

  public void readFully(byte[] out, int off, int len) throws IOException {
    while (len > 0) {
      if (pos == limit) {
        fill();
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(buf, pos, out, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  public long readLittleEndian(int bytes) throws IOException {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (long) readByte() << (8 * i);
    }
    return v;
  }

  private long readBigEndian(int bytes) throws IOException {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | readByte();
    }
    return v;
  }

  /** A length; special (encoded-string) prefixes are an error here. */
  public long readLength() throws IOException {
    int first = readByte();
    if (first >>> 6 == RdbFormat.ENCVAL) {
      throw corrupt("string encoding where a length was expected");
    }
    return lengthAfter(first);
  }

  /**
   * A length read as an unsigned 64-bit value (stream IDs and counters, where Redis saves
   * UINT64_MAX and the -1 of an unknown read counter this way).
   */
  public long readUnsignedLength() throws IOException {
    int first = readByte();
    if (first == RdbFormat.LEN_64BIT) {
      return readBigEndian(8);
    }
    if (first >>> 6 == RdbFormat.ENCVAL) {
      throw corrupt("string encoding where a length was expected");
    }
    return lengthAfter(first);
  }

  private long lengthAfter(int first) throws IOException {
    return switch (first >>> 6) {
      case RdbFormat.LEN_6BIT -> first & 0x3f;
      case RdbFormat.LEN_14BIT -> ((first & 0x3f) << 8) | readByte();
      default -> {
        if (first == RdbFormat.LEN_32BIT) {
          yield readBigEndian(4);
        }
        if (first == RdbFormat.LEN_64BIT) {
          long v = readBigEndian(8);
          if (v < 0) {
            throw corrupt("length out of range");
          }
          yield v;
        }
        throw corrupt("unknown length encoding 0x" + Integer.toHexString(first));
      }
    };
  }

  /** A length that must also be a count of items each taking at least one more byte. */
  public int readCount() throws IOException {
    long n = readLength();
    if (n > remaining()) {
      throw corrupt("count " + n + " exceeds the " + remaining() + " bytes left");
    }
    return (int) n;
  }

  /** A string in any of its encodings (raw, 8/16/32-bit integer, LZF). */
  public byte[] readString() throws IOException {
    int first = readByte();
    if (first >>> 6 != RdbFormat.ENCVAL) {
      return raw(lengthAfter(first));
    }
    return switch (first & 0x3f) {
      case RdbFormat.ENC_INT8 ->
          Long.toString((byte) readByte()).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENC_INT16 ->
          Long.toString((short) readLittleEndian(2)).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENC_INT32 ->
          Long.toString((int) readLittleEndian(4)).getBytes(StandardCharsets.US_ASCII);
      case RdbFormat.ENC_LZF -> {
        long packed = readLength();
        long length = readLength();
        if (length > Integer.MAX_VALUE - 16) {
          throw corrupt("LZF string of " + length + " bytes");
        }
        byte[] in = raw(packed);
        try {
          yield Lzf.decompress(in, (int) length);
        } catch (IllegalArgumentException e) {
          throw corrupt("bad LZF string: " + e.getMessage());
        }
      }
      default -> throw corrupt("unknown string encoding " + (first & 0x3f));
    };
  }

  private byte[] raw(long len) throws IOException {
    if (len > remaining() || len > Integer.MAX_VALUE - 16) {
      throw corrupt("string of " + len + " bytes exceeds the " + remaining() + " bytes left");
    }
    byte[] b = new byte[(int) len];
    readFully(b, 0, b.length);
    return b;
  }

  public String readText() throws IOException {
    return new String(readString(), StandardCharsets.UTF_8);
  }

  public double readBinaryDouble() throws IOException {
    return Double.longBitsToDouble(readLittleEndian(8));
  }

  /** RDB_TYPE_ZSET's score: a length byte and decimal text; 253/254/255 are nan/+inf/-inf. */
  public double readTextDouble() throws IOException {
    int len = readByte();
    return switch (len) {
      case 253 -> Double.NaN;
      case 254 -> Double.POSITIVE_INFINITY;
      case 255 -> Double.NEGATIVE_INFINITY;
      default -> {
        byte[] b = raw(len);
        try {
          yield Double.parseDouble(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          throw corrupt("bad score '" + new String(b, StandardCharsets.US_ASCII) + "'");
        }
      }
    };
  }
}
