package dev.cairn.cache.rdb;

import dev.cairn.cache.server.Args;
import java.util.Arrays;

/**
 * A growable buffer of RDB-encoded bytes: lengths, strings (integer-encoded when short and
 * canonical, LZF-compressed when long and {@code compress} is on, as rdbSaveRawString), binary
 * doubles and little-endian integers. Used for whole files (in chunks) and DUMP payloads. Not
 * thread-safe.
 */
public final class RdbOutput {
  private final boolean compress;
  private Lzf lzf;
  private byte[] buf;
  private int size;

  public RdbOutput(boolean compress, int initialCapacity) {
    this.compress = compress;
    this.buf = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  public void reset() {
    size = 0;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  public void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  public void writeBytes(byte[] b) {
    writeBytes(b, 0, b.length);
  }

  public void writeLittleEndian(long v, int bytes) {
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  /** A length, read as unsigned: a negative long is written as the 64-bit value it stands for. */
  public void writeLength(long len) {
    if (len >= 0 && len < (1 << 6)) {
      writeByte((int) len);
    } else if (len >= 0 && len < (1 << 14)) {
      writeByte((RdbFormat.LEN_14BIT << 6) | (int) (len >>> 8));
      writeByte((int) len);
    } else if (len >= 0 && len <= 0xFFFFFFFFL) {
      writeByte(RdbFormat.LEN_32BIT);
      writeBigEndian(len, 4);
    } else {
      writeByte(RdbFormat.LEN_64BIT);
      writeBigEndian(len, 8);
    }
  }

  private void writeBigEndian(long v, int bytes) {
    ensure(bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  /** A string as Redis writes it: integer-encoded, LZF-compressed, or raw. */
  public void writeString(byte[] s) {
    if (s.length <= RdbFormat.INT_ENCODING_MAX_LENGTH) {
      Long v = canonicalLong(s);
      if (v != null && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        writeInteger(v);
        return;
      }
    }
    if (compress && s.length > RdbFormat.LZF_MIN_LENGTH) {
      if (lzf == null) {
        lzf = new Lzf();
      }
      int packed = lzf.pack(s, s.length - 4);
      if (packed >= 0) {
        writeByte((RdbFormat.ENCVAL << 6) | RdbFormat.ENC_LZF);
        writeLength(packed);
        writeLength(s.length);
        writeBytes(lzf.packed(), 0, packed);
        return;
      }
    }
    writeLength(s.length);
    writeBytes(s);
  }

  /** An integer in the smallest of the 8/16/32-bit string encodings (fits 32 bits). */
  private void writeInteger(long v) {
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      writeByte((RdbFormat.ENCVAL << 6) | RdbFormat.ENC_INT8);
      writeLittleEndian(v, 1);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      writeByte((RdbFormat.ENCVAL << 6) | RdbFormat.ENC_INT16);
      writeLittleEndian(v, 2);
    } else {
      writeByte((RdbFormat.ENCVAL << 6) | RdbFormat.ENC_INT32);
      writeLittleEndian(v, 4);
    }
  }

  public void writeString(String s) {
    writeString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A double as 8 little-endian IEEE 754 bytes (RDB_TYPE_ZSET_2 scores). */
  public void writeBinaryDouble(double d) {
    writeLittleEndian(Double.doubleToRawLongBits(d), 8);
  }

  /**
   * The value of {@code s} if it is exactly how Redis prints that integer (no sign on zero, no
   * leading zeros or plus), else null: only such strings may be stored as integers.
   */
  static Long canonicalLong(byte[] s) {
    Long v = Args.tryLong(s);
    if (v == null || Long.toString(v).length() != s.length) {
      return null;
    }
    return v;
  }
}
