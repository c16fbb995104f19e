package dev.cairn.cache.rdb;

/**
 * CRC-64 as Redis's crc64.c computes it (the "Jones" polynomial 0xad93d23594c935a9, reflected in
 * and out, initial value 0, no final xor), used for the RDB trailer and the DUMP payload footer.
 * Check value: "123456789" gives 0xe9c6d914c4b8d9ca. Table-driven, one byte at a time.
 */
public final class Crc64 {
  /** The polynomial bit-reversed, for the reflected (LSB-first) algorithm. */
  private static final long REFLECTED_POLY = 0x95ac9329ac4bc9b5L;

  private static final long[] TABLE = new long[256];

  static {
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private Crc64() {}

  /** Continues {@code crc} over {@code b[off, off + len)}. */
  public static long update(long crc, byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }
}
