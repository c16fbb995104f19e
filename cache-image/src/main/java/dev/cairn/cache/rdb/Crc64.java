package dev.cairn.cache.rdb;

/**
 * CRC-64 as Redis's crc64.c computes it (the "Jones" polynomial 0xad93d23594c935a9, reflected in
 * and out, initial value 0, no final xor), used for the RDB trailer and the DUMP payload footer.
 * Check value: "123456789" gives 0xe9c6d914c4b8d9ca. Table-driven, eight bytes at a time
 * ("slicing-by-8", as Redis's crcspeed): one lookup per byte made the checksum a tenth of a
 * snapshot's encoding time.
 */
public final class Crc64 {
  /** The polynomial bit-reversed, for the reflected (LSB-first) algorithm. */
  private static final long REFLECTED_POLY = 0x95ac9329ac4bc9b5L;

  /** T[k][b]: the CRC of byte b followed by k zero bytes; T[0] is the classic one-byte table. */
  private static final long[][] T = new long[8][256];

  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  static {
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
      }
      T[0][i] = crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int i = 0; i < 256; i++) {
        long prev = T[k - 1][i];
        T[k][i] = (prev >>> 8) ^ T[0][(int) (prev & 0xff)];
      }
    }
  }

  private Crc64() {}

  /** Continues {@code crc} over {@code b[off, off + len)}. */
  public static long update(long crc, byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      long x = crc ^ (long) LONG_LE.get(b, i);
      crc =
          T[7][(int) (x & 0xff)]
              ^ T[6][(int) ((x >>> 8) & 0xff)]
              ^ T[5][(int) ((x >>> 16) & 0xff)]
              ^ T[4][(int) ((x >>> 24) & 0xff)]
              ^ T[3][(int) ((x >>> 32) & 0xff)]
              ^ T[2][(int) ((x >>> 40) & 0xff)]
              ^ T[1][(int) ((x >>> 48) & 0xff)]
              ^ T[0][(int) (x >>> 56)];
    }
    for (; i < end; i++) {
      crc = T[0][(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }
}
