package dev.cairn.cache.hll;

import static dev.cairn.cache.hll.HyperLogLog.DENSE;
import static dev.cairn.cache.hll.HyperLogLog.DENSE_SIZE;
import static dev.cairn.cache.hll.HyperLogLog.HEADER;
import static dev.cairn.cache.hll.HyperLogLog.REGISTERS;
import static dev.cairn.cache.hll.HyperLogLog.isVal;
import static dev.cairn.cache.hll.HyperLogLog.isXzero;
import static dev.cairn.cache.hll.HyperLogLog.isZero;
import static dev.cairn.cache.hll.HyperLogLog.val;
import static dev.cairn.cache.hll.HyperLogLog.valLen;
import static dev.cairn.cache.hll.HyperLogLog.valValue;
import static dev.cairn.cache.hll.HyperLogLog.xzeroLen;
import static dev.cairn.cache.hll.HyperLogLog.zeroLen;

/**
 * Changes one HyperLogLog value: register updates in either encoding, with the sparse form edited
 * exactly as hllSparseSet edits it (split the run that holds the register into at most five
 * opcodes, then merge equal neighbouring VAL opcodes near it) so the bytes stay Redis's, and the
 * promotion to dense. Copy on write: the value it starts from (possibly shared, e.g. by COPY) is
 * copied before the first change, so a PFADD that changes no register copies nothing; {@link
 * #bytes()} is the result.
 */
final class Editor {
  /** A corrupt sparse value (its runs do not add up to 16384 registers). */
  static final int CORRUPT = -1;

  private byte[] b;
  private boolean owned;
  private final long sparseMaxBytes;

  Editor(byte[] value, boolean owned, long sparseMaxBytes) {
    this.b = value;
    this.owned = owned;
    this.sparseMaxBytes = sparseMaxBytes;
  }

  byte[] bytes() {
    return b;
  }

  /** Whether the result is a new array (anything changed). */
  boolean changed() {
    return owned;
  }

  private void own() {
    if (!owned) {
      b = b.clone();
      owned = true;
    }
  }

  /** Adds an element: 1 if a register grew, 0 if not, {@link #CORRUPT}. */
  int add(byte[] element) {
    int pl = HyperLogLog.patLen(element);
    return set(pl & 0xffff, pl >>> 16);
  }

  /** Raises register {@code index} to {@code count}: 1 if it grew, 0 if not, or CORRUPT. */
  int set(int index, int count) {
    if (b[4] == DENSE) {
      return denseSet(index, count);
    }
    return sparseSet(index, count);
  }

  private int denseSet(int index, int count) {
    if (count > HyperLogLog.denseGet(b, index)) {
      own();
      HyperLogLog.denseSet(b, index, count);
      return 1;
    }
    return 0;
  }

  /** hllSparseToDense; false when the sparse value is corrupt. */
  boolean toDense() {
    if (b[4] == DENSE) {
      return true;
    }
    byte[] d = new byte[DENSE_SIZE];
    System.arraycopy(b, 0, d, 0, HEADER);
    d[4] = DENSE;
    int idx = 0;
    for (int p = HEADER; p < b.length; p++) {
      int op = b[p] & 0xff;
      if (isZero(op)) {
        idx += zeroLen(op);
      } else if (isXzero(op)) {
        idx += xzeroLen(b, p);
        p++;
      } else {
        int run = valLen(op);
        int v = valValue(op);
        if (run + idx > REGISTERS) {
          break;
        }
        for (; run > 0; run--) {
          HyperLogLog.denseSet(d, idx++, v);
        }
      }
    }
    if (idx != REGISTERS) {
      return false;
    }
    b = d;
    owned = true;
    return true;
  }

  private int promote(int index, int count) {
    if (!toDense()) {
      return CORRUPT;
    }
    return denseSet(index, count);
  }

  private int sparseSet(int index, int count) {
    if (count > 32) {
      return promote(index, count);
    }
    int end = b.length;
    int p = HEADER;
    int first = 0;
    int prev = -1;
    int span = 0;
    while (p < end) {
      int op = b[p] & 0xff;
      int oplen = 1;
      if (isZero(op)) {
        span = zeroLen(op);
      } else if (isVal(op)) {
        span = valLen(op);
      } else {
        span = xzeroLen(b, p);
        oplen = 2;
      }
      if (index <= first + span - 1) {
        break;
      }
      prev = p;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) {
      return CORRUPT;
    }
    int op = b[p] & 0xff;
    boolean zero = isZero(op);
    boolean xzero = isXzero(op);
    int runlen = zero ? zeroLen(op) : xzero ? xzeroLen(b, p) : valLen(op);
    if (!zero && !xzero) {
      if (valValue(op) >= count) {
        return 0;
      }
      if (runlen == 1) {
        own();
        b[p] = val(count, 1);
        return merged(prev);
      }
    }
    if (zero && runlen == 1) {
      own();
      b[p] = val(count, 1);
      return merged(prev);
    }
    // replace the run holding the register by up to 5 opcodes
    byte[] seq = new byte[5];
    int n = 0;
    int last = first + span - 1;
    if (zero || xzero) {
      if (index != first) {
        n = zeros(seq, n, index - first);
      }
      seq[n++] = val(count, 1);
      if (index != last) {
        n = zeros(seq, n, last - index);
      }
    } else {
      int cur = valValue(op);
      if (index != first) {
        seq[n++] = val(cur, index - first);
      }
      seq[n++] = val(count, 1);
      if (index != last) {
        seq[n++] = val(cur, last - index);
      }
    }
    int oldlen = xzero ? 2 : 1;
    int delta = n - oldlen;
    if (delta > 0 && b.length + delta > sparseMaxBytes) {
      return promote(index, count);
    }
    byte[] grown = new byte[b.length + delta];
    System.arraycopy(b, 0, grown, 0, p);
    System.arraycopy(seq, 0, grown, p, n);
    System.arraycopy(b, p + oldlen, grown, p + n, b.length - p - oldlen);
    b = grown;
    owned = true;
    return merged(prev);
  }

  private static int zeros(byte[] seq, int n, int len) {
    if (len > 64) {
      len--;
      seq[n] = (byte) ((len >>> 8) | 0x40);
      seq[n + 1] = (byte) len;
      return n + 2;
    }
    seq[n] = (byte) (len - 1);
    return n + 1;
  }

  /** Merges equal adjacent VAL opcodes in the five from {@code prev}, then stales the cache. */
  private int merged(int prev) {
    int p = prev >= 0 ? prev : HEADER;
    int end = b.length;
    int scan = 5;
    while (p < end && scan-- > 0) {
      int op = b[p] & 0xff;
      if (isXzero(op)) {
        p += 2;
        continue;
      } else if (isZero(op)) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(b[p + 1] & 0xff)) {
        int v1 = valValue(op);
        int v2 = valValue(b[p + 1] & 0xff);
        if (v1 == v2) {
          int len = valLen(op) + valLen(b[p + 1] & 0xff);
          if (len <= 4) {
            b[p + 1] = val(v1, len);
            byte[] shorter = new byte[end - 1];
            System.arraycopy(b, 0, shorter, 0, p);
            System.arraycopy(b, p + 1, shorter, p, end - p - 1);
            b = shorter;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    HyperLogLog.invalidate(b);
    return 1;
  }
}
