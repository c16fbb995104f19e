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

  /**
   * Positions of earlier 3-byte sequences by hash, each stored plus {@link #base}. Kept across
   * inputs: a fresh table per string cost a 64 KiB allocation and fill for every 100-byte value a
   * snapshot wrote (gigabytes per second of garbage during a BGSAVE, on the keyspace thread).
   */
  private final int[] table = new int[1 << HASH_BITS];

  /**
   * Added to the positions stored for the current input; every input moves it past its own length,
   * so entries left by earlier inputs fall below it and read as empty without clearing the table.
   */
  private int base = 1;

  private byte[] out = new byte[64];

  /** A compressor with its own tables, reused across inputs. Not thread-safe. */
  public Lzf() {}

  /**
   * Compresses {@code in}; returns the compressed bytes, or null when they would not be shorter
   * than {@code maxLength} (the caller then stores the string raw, as Redis does).
   */
  public static byte[] compress(byte[] in, int maxLength) {
    Lzf lzf = new Lzf();
    int n = lzf.pack(in, maxLength);
    return n < 0 ? null : Arrays.copyOf(lzf.out, n);
  }

  /** The output of the last {@link #pack}, valid until the next call. */
  public byte[] packed() {
    return out;
  }

  /**
   * Compresses {@code in} into {@link #packed()}; returns the compressed length, or -1 when it
   * would not be shorter than {@code maxLength}.
   */
  public int pack(byte[] in, int maxLength) {
    int n = in.length;
    if (out.length < maxLength + MAX_LITERAL + 3) {
      out = new byte[Math.max(out.length * 2, maxLength + MAX_LITERAL + 3)];
    }
    if (base > Integer.MAX_VALUE - n - 1) {
      Arrays.fill(table, 0);
      base = 1;
    }
    int from = base;
    base += n + 1; // whatever happens below, this input's entries are stale for the next one
    byte[] out = this.out;
    int[] table = this.table;
    int op = 1; // out[lit] is the pending literal run's control byte
    int lit = 0;
    int runLength = 0;
    int ip = 0;
    while (ip < n) {
      int ref = -1;
      if (ip + 2 < n) {
        int h = hash(in, ip);
        ref = table[h] - from;
        table[h] = from + ip;
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
          return -1;
        }
        if (l < 7) {
          out[op++] = (byte) ((l << 5) | (off >>> 8));
        } else {
          out[op++] = (byte) ((7 << 5) | (off >>> 8));
          out[op++] = (byte) (l - 7);
        }
        out[op++] = (byte) off;
        for (int i = ip + 1; i < ip + len && i + 2 < n; i++) {
          table[hash(in, i)] = from + i;
        }
        ip += len;
        lit = op++;
        runLength = 0;
      } else {
        if (op >= maxLength) {
          return -1;
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
    return op < maxLength ? op : -1;
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
