package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.resp.RespWriter;
import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a keyspace value as its RDB type byte and payload, in the encoding Redis 7.0 would hold it
 * in, so redis-server loads it with the same OBJECT ENCODING:
 *
 * <ul>
 *   <li>strings: integer-encoded when short and canonical, LZF when that helps ({@link RdbOutput});
 *   <li>lists: a quicklist of listpack nodes of at most 8 KiB (list-max-listpack-size -2);
 *   <li>hashes: a listpack while the dict keeps its compact (listpack) form, else field/value
 *       pairs;
 *   <li>sets: an intset while the dict keeps its compact (intset) form, else the members;
 *   <li>sorted sets: a listpack of member/score pairs in order while the set keeps its listpack
 *       form, else member and binary score from the highest to the lowest, as rdbSaveObject walks
 *       the skiplist from its tail;
 *   <li>streams: their nodes' listpacks, counters and consumer groups ({@link StreamCodec}).
 * </ul>
 *
 * <p>The form of a hash, set or sorted set is the one OBJECT ENCODING reports: decided at each
 * insert by the live thresholds ({@link dev.cairn.cache.db.Encodings}), never recomputed here, so a
 * file written after CONFIG SET hash-max-listpack-entries holds each value as the server did.
 */
public final class ValueWriter {
  /** Redis's SIZE_ESTIMATE_OVERHEAD: what one more listpack entry is assumed to add. */
  private static final int ENTRY_OVERHEAD = 11;

  private ValueWriter() {}

  /**
   * Writes the type byte, then {@code key} if not null (a key record in a file; DUMP has none),
   * then the payload.
   */
  public static void write(RdbOutput out, byte[] key, Object value) {
    switch (value) {
      case byte[] s -> {
        type(out, RdbFormat.TYPE_STRING, key);
        out.writeString(s);
      }
      case ListValue l -> writeList(out, key, l);
      case ZSet z -> writeZSet(out, key, z);
      case Dict d when d.kind() == Dict.Kind.HASH -> writeHash(out, key, d);
      case Dict d when d.kind() == Dict.Kind.SET -> writeSet(out, key, d);
      case Stream st -> {
        type(out, RdbFormat.TYPE_STREAM_LISTPACKS_2, key);
        StreamCodec.write(out, st);
      }
      default -> throw new IllegalArgumentException("not a keyspace value: " + value);
    }
  }

  private static void type(RdbOutput out, int type, byte[] key) {
    out.writeByte(type);
    if (key != null) {
      out.writeString(key);
    }
  }

  private static void writeList(RdbOutput out, byte[] key, ListValue l) {
    List<byte[]> nodes = new ArrayList<>();
    Listpack.Builder node = new Listpack.Builder();
    for (int i = 0; i < l.size(); i++) {
      byte[] item = l.get(i);
      if (node.count() > 0
          && node.bytes() + item.length + ENTRY_OVERHEAD > RdbFormat.QUICKLIST_NODE_BYTES) {
        nodes.add(node.build());
        node = new Listpack.Builder();
      }
      node.add(item);
    }
    nodes.add(node.build());
    type(out, RdbFormat.TYPE_LIST_QUICKLIST_2, key);
    out.writeLength(nodes.size());
    for (byte[] lp : nodes) {
      out.writeLength(RdbFormat.QUICKLIST_PACKED);
      out.writeString(lp);
    }
  }

  private static void writeHash(RdbOutput out, byte[] key, Dict d) {
    if (d.compact()) {
      Listpack.Builder lp = new Listpack.Builder();
      for (Dict.Entry e : d) {
        lp.add(e.key).add((byte[]) e.value);
      }
      type(out, RdbFormat.TYPE_HASH_LISTPACK, key);
      out.writeString(lp.build());
      return;
    }
    type(out, RdbFormat.TYPE_HASH, key);
    out.writeLength(d.size());
    for (Dict.Entry e : d) {
      out.writeString(e.key);
      out.writeString((byte[]) e.value);
    }
  }

  private static void writeSet(RdbOutput out, byte[] key, Dict d) {
    if (d.compact()) {
      long[] ints = new long[d.size()];
      int n = 0;
      for (Dict.Entry e : d) {
        ints[n++] = RdbOutput.canonicalLong(e.key);
      }
      type(out, RdbFormat.TYPE_SET_INTSET, key);
      out.writeString(Intset.encode(ints, n));
      return;
    }
    type(out, RdbFormat.TYPE_SET, key);
    out.writeLength(d.size());
    for (Dict.Entry e : d) {
      out.writeString(e.key);
    }
  }

  private static void writeZSet(RdbOutput out, byte[] key, ZSet z) {
    if (z.listpack()) {
      Listpack.Builder lp = new Listpack.Builder();
      for (ZSet.Node n = z.first(); n != null; n = n.next()) {
        lp.add(n.member).add(RespWriter.formatDouble(n.score).getBytes(StandardCharsets.US_ASCII));
      }
      type(out, RdbFormat.TYPE_ZSET_LISTPACK, key);
      out.writeString(lp.build());
      return;
    }
    type(out, RdbFormat.TYPE_ZSET_2, key);
    out.writeLength(z.size());
    for (ZSet.Node n = z.last(); n != null; n = n.previous()) {
      out.writeString(n.member);
      out.writeBinaryDouble(n.score);
    }
  }
}
