package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads an RDB value payload of a given type into a keyspace value: every type and encoding Redis
 * 7.0 writes (plus the plain list and text-score sorted set of older files, and 7.2's listpack set,
 * and streams of 5.0 to 7.2). Hashes, sets and sorted sets are rebuilt under the server's live
 * {@link Encodings}, so they take the encoding Redis would give them on load (a listpack or intset
 * that exceeds the thresholds converts, a hash table or skiplist small enough becomes compact).
 * Duplicate members, malformed blobs and types Cairn has no value for (modules, pre-7.0 ziplists)
 * fail with {@link RdbCorruptException}.
 */
public final class ValueReader {
  private static final int TYPE_HASH_ZIPMAP = 9;
  private static final int TYPE_SET_LISTPACK = 20;
  private static final int TYPE_STREAM_LISTPACKS_3 = 21;

  private ValueReader() {}

  /** Whether {@code type} is a value type byte (as opposed to an opcode). */
  static boolean isValueType(int type) {
    return type >= 0 && type <= TYPE_STREAM_LISTPACKS_3 && type != 8;
  }

  /**
   * The value, or null for an empty collection (Redis skips such keys with a warning; an empty
   * stream is a value, kept as Redis keeps it).
   */
  public static Object read(RdbInput in, int type, Encodings limits) throws IOException {
    return switch (type) {
      case RdbFormat.TYPE_STRING -> in.readString();
      case RdbFormat.TYPE_LIST -> readPlainList(in);
      case RdbFormat.TYPE_SET -> readSet(in, limits);
      case RdbFormat.TYPE_ZSET, RdbFormat.TYPE_ZSET_2 -> readZSet(in, type, limits);
      case RdbFormat.TYPE_HASH -> readHash(in, limits);
      case RdbFormat.TYPE_SET_INTSET -> readIntset(in, limits);
      case RdbFormat.TYPE_HASH_LISTPACK -> hashOf(in, listpack(in), limits);
      case RdbFormat.TYPE_ZSET_LISTPACK -> zsetOf(in, listpack(in), limits);
      case RdbFormat.TYPE_LIST_QUICKLIST_2 -> readQuicklist(in);
      case TYPE_SET_LISTPACK -> setOf(in, listpack(in), limits);
      case TYPE_HASH_ZIPMAP, 10, 12, 13, 14 ->
          throw in.corrupt(
              "value type " + type + " (a ziplist, written before Redis 7.0) is not supported");
      case 6, RdbFormat.TYPE_MODULE_2 ->
          throw in.corrupt("module value type " + type + " is not supported");
      case 15, RdbFormat.TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3 ->
          StreamCodec.read(in, type);
      default -> throw in.corrupt("unknown value type " + type);
    };
  }

  private static List<byte[]> listpack(RdbInput in) throws IOException {
    byte[] blob = in.readString();
    try {
      return Listpack.decode(blob);
    } catch (IllegalArgumentException e) {
      throw in.corrupt("bad listpack: " + e.getMessage());
    }
  }

  private static ListValue readPlainList(RdbInput in) throws IOException {
    ListValue l = new ListValue();
    for (int i = in.readCount(); i > 0; i--) {
      l.addLast(in.readString());
    }
    return l.size() == 0 ? null : l;
  }

  private static ListValue readQuicklist(RdbInput in) throws IOException {
    ListValue l = new ListValue();
    for (int nodes = in.readCount(); nodes > 0; nodes--) {
      long container = in.readLength();
      if (container == RdbFormat.QUICKLIST_PLAIN) {
        l.addLast(in.readString());
      } else if (container == RdbFormat.QUICKLIST_PACKED) {
        for (byte[] item : listpack(in)) {
          l.addLast(item);
        }
      } else {
        throw in.corrupt("unknown quicklist container " + container);
      }
    }
    return l.size() == 0 ? null : l;
  }

  private static Dict readSet(RdbInput in, Encodings limits) throws IOException {
    Dict d = new Dict(Dict.Kind.SET, limits);
    for (int i = in.readCount(); i > 0; i--) {
      addMember(in, d, in.readString());
    }
    return d.isEmpty() ? null : d;
  }

  private static Dict setOf(RdbInput in, List<byte[]> members, Encodings limits)
      throws IOException {
    Dict d = new Dict(Dict.Kind.SET, limits);
    for (byte[] m : members) {
      addMember(in, d, m);
    }
    return d.isEmpty() ? null : d;
  }

  private static void addMember(RdbInput in, Dict set, byte[] member) throws IOException {
    if (!set.put(member, null)) {
      throw in.corrupt("duplicate set member");
    }
  }

  private static Dict readIntset(RdbInput in, Encodings limits) throws IOException {
    long[] ints;
    byte[] blob = in.readString();
    try {
      ints = Intset.decode(blob);
    } catch (IllegalArgumentException e) {
      throw in.corrupt("bad intset: " + e.getMessage());
    }
    Dict d = new Dict(Dict.Kind.SET, limits);
    for (long v : ints) {
      d.put(Long.toString(v).getBytes(StandardCharsets.US_ASCII), null);
    }
    return d.isEmpty() ? null : d;
  }

  private static Dict readHash(RdbInput in, Encodings limits) throws IOException {
    Dict d = new Dict(Dict.Kind.HASH, limits);
    for (int i = in.readCount(); i > 0; i--) {
      putField(in, d, in.readString(), in.readString());
    }
    return d.isEmpty() ? null : d;
  }

  private static Dict hashOf(RdbInput in, List<byte[]> items, Encodings limits) throws IOException {
    if (items.size() % 2 != 0) {
      throw in.corrupt("hash listpack has an odd number of entries");
    }
    Dict d = new Dict(Dict.Kind.HASH, limits);
    for (int i = 0; i < items.size(); i += 2) {
      putField(in, d, items.get(i), items.get(i + 1));
    }
    return d.isEmpty() ? null : d;
  }

  private static void putField(RdbInput in, Dict hash, byte[] field, byte[] value)
      throws IOException {
    if (!hash.put(field, value)) {
      throw in.corrupt("duplicate hash field");
    }
  }

  private static ZSet readZSet(RdbInput in, int type, Encodings limits) throws IOException {
    ZSet z = new ZSet(limits);
    for (int i = in.readCount(); i > 0; i--) {
      byte[] member = in.readString();
      double score = type == RdbFormat.TYPE_ZSET_2 ? in.readBinaryDouble() : in.readTextDouble();
      addScored(in, z, member, score);
    }
    return z.size() == 0 ? null : z;
  }

  private static ZSet zsetOf(RdbInput in, List<byte[]> items, Encodings limits) throws IOException {
    if (items.size() % 2 != 0) {
      throw in.corrupt("sorted set listpack has an odd number of entries");
    }
    ZSet z = new ZSet(limits);
    for (int i = 0; i < items.size(); i += 2) {
      Double score = Args.tryDouble(items.get(i + 1));
      if (score == null) {
        throw in.corrupt("sorted set listpack has a score that is not a number");
      }
      addScored(in, z, items.get(i), score);
    }
    return z.size() == 0 ? null : z;
  }

  private static void addScored(RdbInput in, ZSet z, byte[] member, double score)
      throws IOException {
    if (Double.isNaN(score)) {
      throw in.corrupt("sorted set score is NaN");
    }
    if (z.put(member, score) != null) {
      throw in.corrupt("duplicate sorted set member");
    }
  }
}
