package dev.cairn.cache.rdb;

import java.util.Arrays;

/**
 * LZF, the compression Redis applies to strings in RDB files ({@code rdbcompression yes}).
 *
 * <p>Stream format (liblzf): a control byte {@code c}; {@code c < 32} starts a literal run of
 * {@code c + 1} bytes that follow; otherwise {@code c >>> 5} is the match length minus 2 (7 means a
 * further byte adds to it) and {@code (c & 31) << 8 | next byte} is the distance minus 1 back into
 * the output. Matches may overlap their own output (run-length style). Runs up to 32 literals,
 * matches up to 264 bytes, distances up to 8 KiB.
 *
 * <p>The compressor finds matches through a hash of the next three bytes (one candidate per hash
 * slot, as liblzf's fast mode); its output differs byte for byte from liblzf's but any LZF decoder
 * reads it.
 */
public final class Lzf {
  private static final int MAX_LITERAL = 32;
  private static final int MAX_MATCH = 264;
  private static final int MAX_OFFSET = 8192;
  private static final int HASH_BITS = 14;

  private Lzf() {}

  /**
   * Compresses {@code in}; returns the compressed bytes, or null when they would not be shorter
   * than {@code maxLength} (the caller then stores the string raw, as Redis does).
   */
  public static byte[] compress(byte[] in, int maxLength) {
    int n = in.length;
    byte[] out = new byte[maxLength + MAX_LITERAL + 3];
    int[] table = new int[1 << HASH_BITS];
    Arrays.fill(table, -1);
    int op = 1; // out[lit] is the pending literal run's control byte
    int lit = 0;
    int runLength = 0;
    int ip = 0;
    while (ip < n) {
      int ref = -1;
      if (ip + 2 < n) {
        int h = hash(in, ip);
        ref = table[h];
        table[h] = ip;
      }
      int len = 0;
      if (ref >= 0 && ip - ref <= MAX_OFFSET && ip > ref) {
        int max = Math.min(MAX_MATCH, n - ip);
        while (len < max && in[ref + len] == in[ip + len]) {
          len++;
        }
      }
      if (len >= 3) {
        if (runLength == 0) {
          op--; // no literals pending: drop the reserved control byte
        } else {
          out[lit] = (byte) (runLength - 1);
        }
        int off = ip - ref - 1;
        int l = len - 2;
        if (op + 3 >= maxLength) {
          return null;
        }
        if (l < 7) {
          out[op++] = (byte) ((l << 5) | (off >>> 8));
        } else {
          out[op++] = (byte) ((7 << 5) | (off >>> 8));
          out[op++] = (byte) (l - 7);
        }
        out[op++] = (byte) off;
        for (int i = ip + 1; i < ip + len && i + 2 < n; i++) {
          table[hash(in, i)] = i;
        }
        ip += len;
        lit = op++;
        runLength = 0;
      } else {
        if (op >= maxLength) {
          return null;
        }
        out[op++] = in[ip++];
        if (++runLength == MAX_LITERAL) {
          out[lit] = (byte) (MAX_LITERAL - 1);
          lit = op++;
          runLength = 0;
        }
      }
    }
    if (runLength == 0) {
      op--;
    } else {
      out[lit] = (byte) (runLength - 1);
    }
    return op < maxLength ? Arrays.copyOf(out, op) : null;
  }

  private static int hash(byte[] b, int i) {
    int v = ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
    return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
  }

  /**
   * Decompresses {@code in} to exactly {@code length} bytes.
   *
   * @throws IllegalArgumentException if the stream is malformed or does not produce {@code length}
   *     bytes
   */
  public static byte[] decompress(byte[] in, int length) {
    byte[] out = new byte[length];
    int ip = 0;
    int op = 0;
    while (ip < in.length) {
      int ctrl = in[ip++] & 0xff;
      if (ctrl < 32) {
        int run = ctrl + 1;
        if (ip + run > in.length || op + run > length) {
          throw new IllegalArgumentException("LZF literal run past the end");
        }
        System.arraycopy(in, ip, out, op, run);
        ip += run;
        op += run;
      } else {
        int len = ctrl >>> 5;
        if (len == 7) {
          if (ip >= in.length) {
            throw new IllegalArgumentException("LZF match length past the end");
          }
          len += in[ip++] & 0xff;
        }
        if (ip >= in.length) {
          throw new IllegalArgumentException("LZF match offset past the end");
        }
        int ref = op - ((ctrl & 31) << 8) - (in[ip++] & 0xff) - 1;
        len += 2;
        if (ref < 0 || op + len > length) {
          throw new IllegalArgumentException("LZF back reference out of range");
        }
        for (int i = 0; i < len; i++) {
          out[op++] = out[ref++];
        }
      }
    }
    if (op != length) {
      throw new IllegalArgumentException(
          "LZF data expands to " + op + " bytes, expected " + length);
    }
    return out;
  }
}
