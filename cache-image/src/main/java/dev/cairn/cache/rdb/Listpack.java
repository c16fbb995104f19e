package dev.cairn.cache.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's listpack (listpack.c), the blob behind small hashes and sorted sets and every quicklist
 * node in RDB files.
 *
 * <p>Layout: total bytes (uint32 LE), element count (uint16 LE, 65535 = "count it"), the entries,
 * and 0xFF. An entry is an encoding byte (with data), its payload, and "backlen": the size of
 * encoding plus payload written in 7-bit groups so it can be read backwards. Integers are stored as
 * integers (7-bit unsigned, 13/16/24/32/64-bit signed); strings whose text is a canonical integer
 * are stored as that integer, as lpAppend does; other strings carry a 6-, 12- or 32-bit length.
 */
public final class Listpack {
  private static final int HEADER = 6;
  private static final int END = 0xFF;

  /** The bytes of an empty listpack: header and terminator. */
  public static final int EMPTY_BYTES = HEADER + 1;

  private Listpack() {}

  /**
   * The bytes one element takes (encoding, payload and backlen) when appended as lpAppend stores
   * it: a string that is a canonical integer takes the integer's size.
   */
  public static int entrySize(byte[] s) {
    Long v = s.length <= 20 ? RdbOutput.canonicalLong(s) : null;
    if (v != null) {
      return entrySize(v);
    }
    int encoded = s.length + (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5);
    return encoded + backlenSize(encoded);
  }

  /** The bytes one integer element takes, as lpAppendInteger stores it. */
  public static int entrySize(long v) {
    int encoded;
    if (v >= 0 && v <= 127) {
      encoded = 1;
    } else if (v >= -4096 && v <= 4095) {
      encoded = 2;
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      encoded = 3;
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      encoded = 4;
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      encoded = 5;
    } else {
      encoded = 9;
    }
    return encoded + backlenSize(encoded);
  }

  /** Builds one listpack. */
  public static final class Builder {
    private final RdbOutput out = new RdbOutput(false, 64);
    private int count;

    public Builder() {
      out.writeLittleEndian(0, HEADER);
    }

    int bytes() {
      return out.size() + 1;
    }

    int count() {
      return count;
    }

    public Builder add(byte[] s) {
      int start = out.size();
      Long v = s.length <= 20 ? RdbOutput.canonicalLong(s) : null;
      if (v != null) {
        writeInteger(v);
      } else if (s.length < 64) {
        out.writeByte(0x80 | s.length);
        out.writeBytes(s);
      } else if (s.length < 4096) {
        out.writeByte(0xE0 | (s.length >>> 8));
        out.writeByte(s.length & 0xff);
        out.writeBytes(s);
      } else {
        out.writeByte(0xF0);
        out.writeLittleEndian(s.length, 4);
        out.writeBytes(s);
      }
      writeBacklen(out.size() - start);
      count++;
      return this;
    }

    /** Appends an integer element, as lpAppendInteger. */
    public Builder add(long v) {
      int start = out.size();
      writeInteger(v);
      writeBacklen(out.size() - start);
      count++;
      return this;
    }

    private void writeInteger(long v) {
      if (v >= 0 && v <= 127) {
        out.writeByte((int) v);
      } else if (v >= -4096 && v <= 4095) {
        long u = v < 0 ? (1 << 13) + v : v;
        out.writeByte(0xC0 | (int) (u >>> 8));
        out.writeByte((int) u);
      } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
        out.writeByte(0xF1);
        out.writeLittleEndian(v, 2);
      } else if (v >= -(1 << 23) && v < (1 << 23)) {
        out.writeByte(0xF2);
        out.writeLittleEndian(v, 3);
      } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        out.writeByte(0xF3);
        out.writeLittleEndian(v, 4);
      } else {
        out.writeByte(0xF4);
        out.writeLittleEndian(v, 8);
      }
    }

    private void writeBacklen(int len) {
      if (len <= 127) {
        out.writeByte(len);
      } else if (len < 16383) {
        out.writeByte(len >>> 7);
        out.writeByte((len & 127) | 128);
      } else if (len < 2097151) {
        out.writeByte(len >>> 14);
        out.writeByte(((len >>> 7) & 127) | 128);
        out.writeByte((len & 127) | 128);
      } else if (len < 268435455) {
        out.writeByte(len >>> 21);
        out.writeByte(((len >>> 14) & 127) | 128);
        out.writeByte(((len >>> 7) & 127) | 128);
        out.writeByte((len & 127) | 128);
      } else {
        out.writeByte(len >>> 28);
        out.writeByte(((len >>> 21) & 127) | 128);
        out.writeByte(((len >>> 14) & 127) | 128);
        out.writeByte(((len >>> 7) & 127) | 128);
        out.writeByte((len & 127) | 128);
      }
    }

    public byte[] build() {
      out.writeByte(END);
      byte[] b = out.toByteArray();
      putLittleEndian(b, 0, b.length, 4);
      putLittleEndian(b, 4, Math.min(count, 65535), 2);
      return b;
    }
  }

  private static void putLittleEndian(byte[] b, int at, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static long getLittleEndian(byte[] b, int at, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (long) (b[at + i] & 0xff) << (8 * i);
    }
    return v;
  }

  /**
   * The elements of a listpack, integers as their decimal text, after checking every entry's
   * bounds, its backlen, the header's size and count and the terminator.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  public static List<byte[]> decode(byte[] lp) {
    if (lp.length < HEADER + 1) {
      throw new IllegalArgumentException("listpack of " + lp.length + " bytes is too short");
    }
    if (getLittleEndian(lp, 0, 4) != lp.length) {
      throw new IllegalArgumentException("listpack header size does not match its length");
    }
    int declared = (int) getLittleEndian(lp, 4, 2);
    List<byte[]> out = new ArrayList<>(Math.min(declared, 1024));
    int p = HEADER;
    while (true) {
      if (p >= lp.length) {
        throw new IllegalArgumentException("listpack has no terminator");
      }
      int enc = lp[p] & 0xff;
      if (enc == END) {
        if (p != lp.length - 1) {
          throw new IllegalArgumentException("listpack terminator before its end");
        }
        break;
      }
      int start = p;
      byte[] value;
      if (enc < 0x80) {
        value = text(enc);
        p += 1;
      } else if ((enc & 0xC0) == 0x80) {
        int len = enc & 0x3f;
        value = slice(lp, p + 1, len);
        p += 1 + len;
      } else if ((enc & 0xE0) == 0xC0) {
        need(lp, p, 2);
        long u = ((enc & 0x1f) << 8) | (lp[p + 1] & 0xff);
        value = text(u >= (1 << 12) ? u - (1 << 13) : u);
        p += 2;
      } else if ((enc & 0xF0) == 0xE0) {
        need(lp, p, 2);
        int len = ((enc & 0x0f) << 8) | (lp[p + 1] & 0xff);
        value = slice(lp, p + 2, len);
        p += 2 + len;
      } else {
        switch (enc) {
          case 0xF0 -> {
            need(lp, p, 5);
            long len = getLittleEndian(lp, p + 1, 4);
            if (len > lp.length) {
              throw new IllegalArgumentException("listpack string length past its end");
            }
            value = slice(lp, p + 5, (int) len);
            p += 5 + (int) len;
          }
          case 0xF1, 0xF2, 0xF3, 0xF4 -> {
            int n =
                switch (enc) {
                  case 0xF1 -> 2;
                  case 0xF2 -> 3;
                  case 0xF3 -> 4;
                  default -> 8;
                };
            need(lp, p, 1 + n);
            long raw = getLittleEndian(lp, p + 1, n);
            int shift = 64 - 8 * n;
            value = text((raw << shift) >> shift);
            p += 1 + n;
          }
          default ->
              throw new IllegalArgumentException(
                  "listpack entry has unknown encoding 0x" + Integer.toHexString(enc));
        }
      }
      int entryLength = p - start;
      int backlenBytes = backlenSize(entryLength);
      need(lp, p, backlenBytes);
      if (readBacklen(lp, p + backlenBytes - 1) != entryLength) {
        throw new IllegalArgumentException("listpack entry backlen does not match");
      }
      p += backlenBytes;
      out.add(value);
    }
    if (declared != 65535 && declared != out.size()) {
      throw new IllegalArgumentException(
          "listpack header counts " + declared + " entries, found " + out.size());
    }
    return out;
  }

  private static int backlenSize(int len) {
    if (len <= 127) {
      return 1;
    } else if (len < 16383) {
      return 2;
    } else if (len < 2097151) {
      return 3;
    } else if (len < 268435455) {
      return 4;
    }
    return 5;
  }

  /** Reads a backlen from its last byte backwards, as lpDecodeBacklen. */
  private static long readBacklen(byte[] lp, int last) {
    long v = 0;
    int shift = 0;
    int p = last;
    do {
      v |= (long) (lp[p] & 127) << shift;
      if ((lp[p] & 128) == 0) {
        break;
      }
      shift += 7;
      p--;
    } while (shift < 35);
    return v;
  }

  private static void need(byte[] lp, int p, int n) {
    if (p + n > lp.length - 1) {
      throw new IllegalArgumentException("listpack entry runs past its end");
    }
  }

  private static byte[] slice(byte[] lp, int from, int len) {
    need(lp, from, len);
    byte[] b = new byte[len];
    System.arraycopy(lp, from, b, 0, len);
    return b;
  }

  private static byte[] text(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
