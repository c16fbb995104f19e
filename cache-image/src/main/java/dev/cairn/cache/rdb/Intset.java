package dev.cairn.cache.rdb;

/**
 * Redis's intset (intset.c), the blob of a small set of integers: encoding (bytes per element: 2, 4
 * or 8; uint32 LE), element count (uint32 LE), then the elements, sorted ascending and unique,
 * little-endian at that width. The width is the smallest that holds every element.
 */
final class Intset {
  private Intset() {}

  static byte[] encode(long[] sorted, int n) {
    int width = 2;
    for (int i = 0; i < n; i++) {
      width = Math.max(width, widthOf(sorted[i]));
    }
    RdbOutput out = new RdbOutput(false, 8 + width * n);
    out.writeLittleEndian(width, 4);
    out.writeLittleEndian(n, 4);
    for (int i = 0; i < n; i++) {
      out.writeLittleEndian(sorted[i], width);
    }
    return out.toByteArray();
  }

  private static int widthOf(long v) {
    if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      return 2;
    }
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 4 : 8;
  }

  /**
   * The elements, after checking the width, the size against the count, and the order.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static long[] decode(byte[] b) {
    if (b.length < 8) {
      throw new IllegalArgumentException("intset of " + b.length + " bytes is too short");
    }
    long width = get(b, 0, 4);
    long count = get(b, 4, 4);
    if (width != 2 && width != 4 && width != 8) {
      throw new IllegalArgumentException("intset has unknown width " + width);
    }
    if (8 + width * count != b.length) {
      throw new IllegalArgumentException("intset size does not match its count of " + count);
    }
    long[] out = new long[(int) count];
    int shift = 64 - 8 * (int) width;
    for (int i = 0; i < count; i++) {
      out[i] = (get(b, 8 + i * (int) width, (int) width) << shift) >> shift;
      if (i > 0 && out[i] <= out[i - 1]) {
        throw new IllegalArgumentException("intset elements are not sorted and unique");
      }
    }
    return out;
  }

  private static long get(byte[] b, int at, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (long) (b[at + i] & 0xff) << (8 * i);
    }
    return v;
  }
}
