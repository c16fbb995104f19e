package dev.cairn.cache.types;

import static dev.cairn.cache.server.Args.is;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Database;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO, as Redis's bitops.c: signed (i1..i64) and unsigned (u1..u63) integers
 * at any bit offset of a string ({@code #n} = the n-th field of that width), read with GET, written
 * with SET and INCRBY under the OVERFLOW policy in force (WRAP, SAT, or FAIL, which leaves the
 * field alone and answers nil). Bits are numbered from the most significant bit of the first byte;
 * bits past the end read as 0 and writes grow the string.
 */
public final class Bitfield {
  private Bitfield() {}

  private enum Overflow {
    WRAP,
    SAT,
    FAIL
  }

  private enum Kind {
    GET,
    SET,
    INCRBY
  }

  private record Op(
      Kind kind, boolean signed, int bits, long offset, long value, Overflow overflow) {}

  private static final CommandError BAD_TYPE =
      new CommandError(
          "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but"
              + " i64 is.");
  private static final CommandError BAD_OFFSET =
      new CommandError("ERR bit offset is not an integer or out of range");

  public static void bitfield(Client c, byte[][] a) {
    run(c, a, false);
  }

  public static void bitfieldRo(Client c, byte[][] a) {
    run(c, a, true);
  }

  private static void run(Client c, byte[][] a, boolean readOnly) {
    List<Op> ops = new ArrayList<>();
    Overflow overflow = Overflow.WRAP;
    boolean writes = false;
    for (int i = 2; i < a.length; i++) {
      int left = a.length - i - 1;
      if (is(a[i], "get") && left >= 2) {
        int[] type = type(a[i + 1]);
        ops.add(new Op(Kind.GET, type[0] == 1, type[1], offset(c, a[i + 2], type[1]), 0, overflow));
        i += 2;
      } else if ((is(a[i], "set") || is(a[i], "incrby")) && left >= 3) {
        if (readOnly) {
          throw new CommandError("ERR BITFIELD_RO only supports the GET subcommand");
        }
        Kind kind = is(a[i], "set") ? Kind.SET : Kind.INCRBY;
        int[] type = type(a[i + 1]);
        long offset = offset(c, a[i + 2], type[1]);
        long value = Args.toLong(a[i + 3]);
        ops.add(new Op(kind, type[0] == 1, type[1], offset, value, overflow));
        writes = true;
        i += 3;
      } else if (is(a[i], "overflow") && left >= 1) {
        String mode = Args.lower(a[++i]);
        overflow =
            switch (mode) {
              case "wrap" -> Overflow.WRAP;
              case "sat" -> Overflow.SAT;
              case "fail" -> Overflow.FAIL;
              default -> throw new CommandError("ERR Invalid OVERFLOW type specified");
            };
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Database db = c.db();
    byte[] old = Values.string(writes ? db.lookupMaybeWrite(a[1]) : db.lookupRead(a[1]));
    byte[] v = old == null ? new byte[0] : old;
    if (writes) {
      long needed = 0;
      for (Op op : ops) {
        if (op.kind() != Kind.GET) {
          needed = Math.max(needed, ((op.offset() + op.bits() - 1) >>> 3) + 1);
        }
      }
      v = Arrays.copyOf(v, (int) Math.max(v.length, needed));
    }
    boolean grown = writes && (old == null || v.length != old.length);
    c.reply.array(ops.size());
    boolean changed = false;
    for (Op op : ops) {
      long current = read(v, op.offset(), op.bits(), op.signed());
      if (op.kind() == Kind.GET) {
        c.reply.integer(current);
        continue;
      }
      long target = op.kind() == Kind.SET ? op.value() : current;
      long incr = op.kind() == Kind.SET ? 0 : op.value();
      long[] limit = new long[1];
      int over =
          op.signed()
              ? signedOverflow(target, incr, op.bits(), op.overflow(), limit)
              : unsignedOverflow(target, incr, op.bits(), op.overflow(), limit);
      if (over != 0 && op.overflow() == Overflow.FAIL) {
        c.reply.nullBulk();
        continue;
      }
      long next = over != 0 ? limit[0] : target + incr;
      write(v, op.offset(), op.bits(), next);
      // as Redis: a write counts as a change if it changed the field or created/grew the string
      changed |= grown || next != current;
      c.reply.integer(op.kind() == Kind.SET ? current : next);
    }
    if (changed || grown) {
      // as Redis: the key is created or grown even if every write failed, announced only on change
      db.set(a[1], v, true);
      if (changed) {
        c.server.notify(db, a[1], '$', "setbit");
      }
    }
  }

  /** {signed ? 1 : 0, bits} from "i16" / "u8". */
  private static int[] type(byte[] arg) {
    if (arg.length < 2) {
      throw BAD_TYPE;
    }
    boolean signed = arg[0] == 'i' || arg[0] == 'I';
    if (!signed && arg[0] != 'u' && arg[0] != 'U') {
      throw BAD_TYPE;
    }
    Long bits = Args.tryLong(Arrays.copyOfRange(arg, 1, arg.length));
    if (bits == null || bits < 1 || bits > (signed ? 64 : 63)) {
      throw BAD_TYPE;
    }
    return new int[] {signed ? 1 : 0, bits.intValue()};
  }

  private static long offset(Client c, byte[] arg, int bits) {
    boolean byField = arg.length > 0 && arg[0] == '#';
    Long n = Args.tryLong(byField ? Arrays.copyOfRange(arg, 1, arg.length) : arg);
    if (n == null) {
      throw BAD_OFFSET;
    }
    long offset = n;
    if (byField) {
      if (Math.abs(offset) > Long.MAX_VALUE / bits) {
        throw BAD_OFFSET;
      }
      offset *= bits;
    }
    if (offset < 0 || (offset >>> 3) >= c.server.config().get(CacheConfig.PROTO_MAX_BULK_LEN)) {
      throw BAD_OFFSET;
    }
    return offset;
  }

  private static long read(byte[] v, long offset, int bits, boolean signed) {
    long value = 0;
    for (int j = 0; j < bits; j++, offset++) {
      int index = (int) (offset >>> 3);
      int bit = index < v.length ? (v[index] >> (7 - (int) (offset & 7))) & 1 : 0;
      value = (value << 1) | bit;
    }
    if (signed && bits < 64 && (value & (1L << (bits - 1))) != 0) {
      value |= -1L << bits;
    }
    return value;
  }

  private static void write(byte[] v, long offset, int bits, long value) {
    for (int j = 0; j < bits; j++, offset++) {
      int index = (int) (offset >>> 3);
      int mask = 1 << (7 - (int) (offset & 7));
      if (((value >>> (bits - 1 - j)) & 1) != 0) {
        v[index] |= (byte) mask;
      } else {
        v[index] &= (byte) ~mask;
      }
    }
  }

  /** Redis's checkUnsignedBitfieldOverflow: 0, or ±1 with the wrapped/saturated value in limit. */
  private static int unsignedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
    long max = (1L << bits) - 1;
    long maxIncr = max - value;
    long minIncr = -value;
    int direction;
    if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
      direction = 1;
      limit[0] = max;
    } else if (incr < 0 && incr < minIncr) {
      direction = -1;
      limit[0] = 0;
    } else {
      return 0;
    }
    if (ow == Overflow.WRAP) {
      limit[0] = (value + incr) & ~(-1L << bits);
    }
    return direction;
  }

  /** Redis's checkSignedBitfieldOverflow. */
  private static int signedOverflow(long value, long incr, int bits, Overflow ow, long[] limit) {
    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    long min = -max - 1;
    long maxIncr = max - value;
    long minIncr = min - value;
    int direction;
    if (value > max
        || (bits != 64 && incr > maxIncr)
        || (value >= 0 && incr > 0 && incr > maxIncr)) {
      direction = 1;
      limit[0] = max;
    } else if (value < min
        || (bits != 64 && incr < minIncr)
        || (value < 0 && incr < 0 && incr < minIncr)) {
      direction = -1;
      limit[0] = min;
    } else {
      return 0;
    }
    if (ow == Overflow.WRAP) {
      long sum = value + incr;
      if (bits < 64) {
        long mask = -1L << bits;
        sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
      }
      limit[0] = sum;
    }
    return direction;
  }
}
