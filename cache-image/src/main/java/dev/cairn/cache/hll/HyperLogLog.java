package dev.cairn.cache.hll;

import java.nio.charset.StandardCharsets;

/**
 * Redis's HyperLogLog (hyperloglog.c), byte for byte: a string value with a 16-byte header ({@code
 * "HYLL"}, encoding 0 dense / 1 sparse, three zero bytes, the cached cardinality as 8 bytes
 * little-endian whose top bit marks it stale) followed by 16384 six-bit registers — packed (dense,
 * 12288 bytes) or run-length coded (sparse: ZERO {@code 00xxxxxx} for 1-64 zero registers, XZERO
 * {@code 01xxxxxx yyyyyyyy} for up to 16384, VAL {@code 1vvvvvxx} for 1-4 registers of value 1-32).
 * Elements hash with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the
 * position of the first 1 bit above them (1-51) is the candidate value. A sparse value turns dense
 * when a register needs more than 32 or it would grow past {@code hll-sparse-max-bytes}. The
 * estimate is Ertl's improved estimator, as Redis 7 computes it.
 *
 * <p>Because the bytes are Redis's, DUMP/RESTORE and RDB files carry HyperLogLogs between the two
 * unchanged, and PFCOUNT answers the same numbers. A value is edited in place by {@link Editor};
 * callers hand it a private copy.
 */
public final class HyperLogLog {
  private HyperLogLog() {}

  static final int HEADER = 16;
  static final int P = 14;
  static final int Q = 64 - P;
  static final int REGISTERS = 1 << P;
  static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
  static final int DENSE = 0;
  static final int SPARSE = 1;
  private static final int VAL_MAX_VALUE = 32;
  private static final int VAL_MAX_LEN = 4;
  private static final int ZERO_MAX_LEN = 64;
  private static final int XZERO_MAX_LEN = 16384;
  private static final double ALPHA_INF = 0.721347520444481703680;

  /** An empty HyperLogLog as PFADD creates it: sparse, one XZERO run, cached cardinality 0. */
  public static byte[] create() {
    byte[] b = new byte[HEADER + 2];
    b[0] = 'H';
    b[1] = 'Y';
    b[2] = 'L';
    b[3] = 'L';
    b[4] = SPARSE;
    setXzero(b, HEADER, REGISTERS);
    return b;
  }

  /** Whether a string is a HyperLogLog as isHLLObjectOrReply checks it. */
  public static boolean isValid(byte[] b) {
    if (b.length < HEADER || b[0] != 'H' || b[1] != 'Y' || b[2] != 'L' || b[3] != 'L') {
      return false;
    }
    int enc = b[4] & 0xff;
    return enc == SPARSE || (enc == DENSE && b.length == DENSE_SIZE);
  }

  public static boolean sparse(byte[] b) {
    return b[4] == SPARSE;
  }

  // ---- hashing ----

  /** MurmurHash64A as Redis's (little-endian reads). */
  static long murmur64a(byte[] key, long seed) {
    final long m = 0xc6a4a7935bd1e995L;
    final int r = 47;
    int len = key.length;
    long h = seed ^ (len * m);
    int end = len - (len & 7);
    for (int i = 0; i < end; i += 8) {
      long k = 0;
      for (int j = 7; j >= 0; j--) {
        k = (k << 8) | (key[i + j] & 0xff);
      }
      k *= m;
      k ^= k >>> r;
      k *= m;
      h ^= k;
      h *= m;
    }
    int rest = len & 7;
    if (rest > 0) {
      for (int j = rest - 1; j >= 0; j--) {
        h ^= (long) (key[end + j] & 0xff) << (8 * j);
      }
      h *= m;
    }
    h ^= h >>> r;
    h *= m;
    h ^= h >>> r;
    return h;
  }

  /** The register an element maps to (low 16 bits) and its run length (the bits above). */
  static int patLen(byte[] element) {
    long hash = murmur64a(element, 0xadc83b19L);
    int index = (int) (hash & (REGISTERS - 1));
    hash >>>= P;
    hash |= 1L << Q;
    int count = Long.numberOfTrailingZeros(hash) + 1;
    return (count << 16) | index;
  }

  // ---- dense registers ----

  static int denseGet(byte[] b, int reg) {
    int at = HEADER + reg * 6 / 8;
    int fb = (reg * 6) & 7;
    int b0 = b[at] & 0xff;
    int b1 = at + 1 < b.length ? b[at + 1] & 0xff : 0;
    return ((b0 >>> fb) | (b1 << (8 - fb))) & 63;
  }

  static void denseSet(byte[] b, int reg, int val) {
    int at = HEADER + reg * 6 / 8;
    int fb = (reg * 6) & 7;
    int fb8 = 8 - fb;
    b[at] = (byte) ((b[at] & ~(63 << fb)) | (val << fb));
    if (at + 1 < b.length) {
      b[at + 1] = (byte) ((b[at + 1] & ~(63 >>> fb8)) | (val >>> fb8));
    }
  }

  // ---- sparse opcodes ----

  static boolean isZero(int op) {
    return (op & 0xc0) == 0;
  }

  static boolean isXzero(int op) {
    return (op & 0xc0) == 0x40;
  }

  static boolean isVal(int op) {
    return (op & 0x80) != 0;
  }

  static int zeroLen(int op) {
    return (op & 0x3f) + 1;
  }

  static int xzeroLen(byte[] b, int p) {
    // a corrupt value may end in the middle of an XZERO: Redis reads the string's NUL there
    int low = p + 1 < b.length ? b[p + 1] & 0xff : 0;
    return (((b[p] & 0x3f) << 8) | low) + 1;
  }

  static int valValue(int op) {
    return ((op >>> 2) & 0x1f) + 1;
  }

  static int valLen(int op) {
    return (op & 0x3) + 1;
  }

  static byte val(int value, int len) {
    return (byte) (((value - 1) << 2 | (len - 1)) | 0x80);
  }

  static void setXzero(byte[] b, int p, int len) {
    len--;
    b[p] = (byte) ((len >>> 8) | 0x40);
    b[p + 1] = (byte) len;
  }

  // ---- counting ----

  /** The register histogram; null when a sparse value does not cover exactly 16384 registers. */
  static int[] histogram(byte[] b) {
    int[] h = new int[64];
    if (b[4] == DENSE) {
      for (int j = 0; j < REGISTERS; j++) {
        h[denseGet(b, j)]++;
      }
      return h;
    }
    int idx = 0;
    for (int p = HEADER; p < b.length; ) {
      int op = b[p] & 0xff;
      if (isZero(op)) {
        idx += zeroLen(op);
        h[0] += zeroLen(op);
        p++;
      } else if (isXzero(op)) {
        int run = xzeroLen(b, p);
        idx += run;
        h[0] += run;
        p += 2;
      } else {
        idx += valLen(op);
        h[valValue(op)] += valLen(op);
        p++;
      }
    }
    return idx == REGISTERS ? h : null;
  }

  /** The histogram of raw registers, one byte each (PFCOUNT of several keys). */
  static int[] rawHistogram(byte[] registers) {
    int[] h = new int[64];
    for (byte r : registers) {
      h[r]++;
    }
    return h;
  }

  /** Ertl's estimator as hllCount computes it. */
  static long estimate(int[] histo) {
    double m = REGISTERS;
    double z = m * tau((m - histo[Q + 1]) / m);
    for (int j = Q; j >= 1; --j) {
      z += histo[j];
      z *= 0.5;
    }
    z += m * sigma(histo[0] / m);
    return Math.round(ALPHA_INF * m * m / z);
  }

  private static double sigma(double x) {
    if (x == 1.) {
      return Double.POSITIVE_INFINITY;
    }
    double zPrime;
    double y = 1;
    double z = x;
    do {
      x *= x;
      zPrime = z;
      z += x * y;
      y += y;
    } while (zPrime != z);
    return z;
  }

  private static double tau(double x) {
    if (x == 0. || x == 1.) {
      return 0.;
    }
    double zPrime;
    double y = 1.0;
    double z = 1 - x;
    do {
      x = Math.sqrt(x);
      zPrime = z;
      y *= 0.5;
      double d = 1 - x;
      z -= d * d * y;
    } while (zPrime != z);
    return z / 3;
  }

  // ---- cached cardinality ----

  static boolean cacheValid(byte[] b) {
    return (b[15] & 0x80) == 0;
  }

  static long cached(byte[] b) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[8 + i] & 0xff);
    }
    return v;
  }

  static void cache(byte[] b, long card) {
    for (int i = 0; i < 8; i++) {
      b[8 + i] = (byte) (card >>> (8 * i));
    }
  }

  static void invalidate(byte[] b) {
    b[15] |= (byte) 0x80;
  }

  /** The cardinality of one value, from its cache or counted; -1 when it is corrupt. */
  static long count(byte[] b) {
    int[] h = histogram(b);
    return h == null ? -1 : estimate(h);
  }

  /** Folds a value's registers into {@code max} (one byte per register); false when corrupt. */
  static boolean merge(byte[] max, byte[] b) {
    if (b[4] == DENSE) {
      for (int i = 0; i < REGISTERS; i++) {
        int v = denseGet(b, i);
        if (v > max[i]) {
          max[i] = (byte) v;
        }
      }
      return true;
    }
    int i = 0;
    for (int p = HEADER; p < b.length; p++) {
      int op = b[p] & 0xff;
      if (isZero(op)) {
        i += zeroLen(op);
      } else if (isXzero(op)) {
        i += xzeroLen(b, p);
        p++;
      } else {
        int run = valLen(op);
        int v = valValue(op);
        if (run + i > REGISTERS) {
          break;
        }
        for (; run > 0; run--, i++) {
          if (v > max[i]) {
            max[i] = (byte) v;
          }
        }
      }
    }
    return i == REGISTERS;
  }

  /** PFDEBUG DECODE's text of a sparse value. */
  static String decode(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int p = HEADER; p < b.length; p++) {
      int op = b[p] & 0xff;
      if (isZero(op)) {
        sb.append("z:").append(zeroLen(op)).append(' ');
      } else if (isXzero(op)) {
        sb.append("Z:").append(xzeroLen(b, p)).append(' ');
        p++;
      } else {
        sb.append("v:").append(valValue(op)).append(',').append(valLen(op)).append(' ');
      }
    }
    return sb.toString().strip();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
