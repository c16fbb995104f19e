package dev.cairn.cache.rdb;

import dev.cairn.cache.stream.Consumer;
import dev.cairn.cache.stream.ConsumerGroup;
import dev.cairn.cache.stream.PendingEntry;
import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.stream.StreamEntry;
import dev.cairn.cache.stream.StreamId;
import dev.cairn.cache.stream.StreamNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Streams in RDB, as rdb.c writes RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0) and reads types 15, 19
 * and 21 (5.0 to 7.2):
 *
 * <ol>
 *   <li>the node count, then per node its master ID as a 16-byte big-endian string and its listpack
 *       ({@link StreamNode} describes the layout);
 *   <li>length, last ID (ms, seq), first ID, largest deleted ID and entries added, as lengths;
 *   <li>the group count, then per group its name, last delivered ID, entries read (-1 saved as
 *       UINT64_MAX), its PEL (raw 16-byte ID, delivery time as 8 bytes little-endian, delivery
 *       count) and its consumers (name, seen time, and — type 21 only — active time, then the IDs
 *       it owns, which must be in the group's PEL).
 * </ol>
 *
 * A stream without entries is kept, as Redis keeps it. Anything inconsistent fails the load with
 * {@link RdbCorruptException} naming what.
 */
final class StreamCodec {
  private static final int TYPE_STREAM_LISTPACKS = 15;
  private static final int TYPE_STREAM_LISTPACKS_3 = 21;

  private StreamCodec() {}

  static void write(RdbOutput out, Stream s) {
    int nodes = 0;
    for (StreamNode ignored : s.nodes()) {
      nodes++;
    }
    out.writeLength(nodes);
    for (StreamNode n : s.nodes()) {
      out.writeString(n.master.key());
      out.writeString(listpack(n));
    }
    out.writeLength(s.length());
    writeId(out, s.lastId());
    writeId(out, s.firstId());
    writeId(out, s.maxDeletedId());
    out.writeLength(s.entriesAdded());
    out.writeLength(s.groups().size());
    for (Map.Entry<byte[], ConsumerGroup> e : s.groups().entrySet()) {
      ConsumerGroup g = e.getValue();
      out.writeString(e.getKey());
      writeId(out, g.lastId());
      out.writeLength(g.entriesRead());
      out.writeLength(g.pending().size());
      for (Map.Entry<StreamId, PendingEntry> p : g.pending().entrySet()) {
        out.writeBytes(p.getKey().key());
        out.writeLittleEndian(p.getValue().deliveryTime(), 8);
        out.writeLength(p.getValue().deliveryCount());
      }
      out.writeLength(g.consumers().size());
      for (Consumer c : g.consumers().values()) {
        out.writeString(c.name);
        out.writeLittleEndian(c.seenTime(), 8);
        out.writeLength(c.pending().size());
        for (StreamId id : c.pending().keySet()) {
          out.writeBytes(id.key());
        }
      }
    }
  }

  private static void writeId(RdbOutput out, StreamId id) {
    out.writeLength(id.ms());
    out.writeLength(id.seq());
  }

  private static byte[] listpack(StreamNode n) {
    Listpack.Builder lp = new Listpack.Builder();
    lp.add(n.liveCount()).add(n.deletedCount()).add(n.masterFields().length);
    for (byte[] f : n.masterFields()) {
      lp.add(f);
    }
    lp.add(0);
    for (StreamEntry e : n.entries()) {
      int fields = e.fieldCount();
      lp.add((e.deleted() ? 1 : 0) | (e.sameFields() ? 2 : 0));
      lp.add(e.id.ms() - n.master.ms()).add(e.id.seq() - n.master.seq());
      if (!e.sameFields()) {
        lp.add(fields);
      }
      for (int i = 0; i < e.fieldsValues.length; i++) {
        if (!e.sameFields() || i % 2 == 1) {
          lp.add(e.fieldsValues[i]);
        }
      }
      lp.add(3 + fields + (e.sameFields() ? 0 : fields + 1));
    }
    return lp.build();
  }

  static Stream read(RdbInput in, int type) throws IOException {
    Stream s = new Stream();
    for (long nodes = in.readCount(); nodes > 0; nodes--) {
      byte[] key = in.readString();
      if (key.length != 16) {
        throw in.corrupt("stream node key is not the size of a stream ID");
      }
      StreamNode node = readNode(in, StreamId.fromKey(key, 0), in.readString());
      if (!s.restoreNode(node)) {
        throw in.corrupt("stream listpack re-added with an existing key");
      }
    }
    long length = in.readUnsignedLength();
    StreamId last = readId(in);
    StreamId first;
    StreamId maxDeleted;
    long added;
    if (type == TYPE_STREAM_LISTPACKS) {
      maxDeleted = StreamId.MIN;
      added = length;
      StreamEntry e = s.edge(true);
      first = e == null ? StreamId.MIN : e.id;
    } else {
      first = readId(in);
      maxDeleted = readId(in);
      added = in.readUnsignedLength();
    }
    s.restoreCounters(length, last, first, maxDeleted, added);
    long live = 0;
    for (StreamNode n : s.nodes()) {
      live += n.liveCount();
    }
    if (live != length) {
      throw in.corrupt("stream length " + length + " does not match its " + live + " entries");
    }
    for (long groups = in.readCount(); groups > 0; groups--) {
      readGroup(in, type, s);
    }
    return s;
  }

  private static StreamId readId(RdbInput in) throws IOException {
    return new StreamId(in.readUnsignedLength(), in.readUnsignedLength());
  }

  private static void readGroup(RdbInput in, int type, Stream s) throws IOException {
    byte[] name = in.readString();
    StreamId lastId = readId(in);
    long entriesRead =
        type == TYPE_STREAM_LISTPACKS
            ? ConsumerGroup.INVALID_ENTRIES_READ
            : in.readUnsignedLength();
    ConsumerGroup g = new ConsumerGroup(lastId, entriesRead);
    if (s.groups().putIfAbsent(name, g) != null) {
      throw in.corrupt("duplicated consumer group name");
    }
    byte[] raw = new byte[16];
    for (long n = in.readCount(); n > 0; n--) {
      in.readFully(raw, 0, 16);
      PendingEntry p = new PendingEntry(in.readLittleEndian(8), in.readUnsignedLength());
      if (g.pending().putIfAbsent(StreamId.fromKey(raw, 0), p) != null) {
        throw in.corrupt("duplicated global PEL entry in a stream consumer group");
      }
    }
    for (long n = in.readCount(); n > 0; n--) {
      byte[] consumer = in.readString();
      long seen = in.readLittleEndian(8);
      if (type == TYPE_STREAM_LISTPACKS_3) {
        in.readLittleEndian(8); // active time (7.2), which 7.0 does not keep
      }
      Consumer c = g.addConsumer(consumer, seen);
      if (c == null) {
        throw in.corrupt("duplicate stream consumer");
      }
      for (long k = in.readCount(); k > 0; k--) {
        in.readFully(raw, 0, 16);
        if (!g.restoreOwner(StreamId.fromKey(raw, 0), c)) {
          throw in.corrupt("stream consumer PEL entry missing from its group PEL or owned twice");
        }
      }
    }
    for (PendingEntry p : g.pending().values()) {
      if (p.consumer() == null) {
        throw in.corrupt("stream group PEL entry without a consumer");
      }
    }
  }

  /** Parses a node's listpack, checking its structure as streamValidateListpackIntegrity. */
  private static StreamNode readNode(RdbInput in, StreamId master, byte[] blob) throws IOException {
    List<byte[]> items;
    try {
      items = Listpack.decode(blob);
    } catch (IllegalArgumentException e) {
      throw in.corrupt("bad stream listpack: " + e.getMessage());
    }
    Cursor p = new Cursor(in, items);
    long count = p.integer();
    long deleted = p.integer();
    int masterFields = (int) p.count();
    byte[][] fields = new byte[masterFields][];
    for (int i = 0; i < masterFields; i++) {
      fields[i] = p.next();
    }
    if (p.integer() != 0) {
      throw in.corrupt("stream listpack master entry has no zero terminator");
    }
    StreamNode node = Stream.node(master, fields);
    for (long e = count + deleted; e > 0; e--) {
      int flags = (int) p.integer();
      StreamId id = new StreamId(master.ms() + p.integer(), master.seq() + p.integer());
      boolean same = (flags & 2) != 0;
      int nf = same ? masterFields : (int) p.count();
      byte[][] fv = new byte[nf * 2][];
      for (int i = 0; i < nf; i++) {
        fv[2 * i] = same ? fields[i] : p.next();
        fv[2 * i + 1] = p.next();
      }
      long lpCount = p.integer();
      if (lpCount != 3 + nf + (same ? 0 : nf + 1)) {
        throw in.corrupt("stream listpack entry has a wrong lp-count");
      }
      List<StreamEntry> before = node.entries();
      if (!before.isEmpty() && before.get(before.size() - 1).id.compareTo(id) >= 0) {
        throw in.corrupt("stream listpack entries out of order");
      }
      Stream.restoreEntry(node, id, fv, flags);
    }
    if (p.hasNext()) {
      throw in.corrupt("stream listpack has data after its last entry");
    }
    if (node.liveCount() != count || node.deletedCount() != deleted) {
      throw in.corrupt("stream listpack counts do not match its entries");
    }
    return node;
  }

  /** Walks a decoded listpack, failing the load when it ends early or a number is not one. */
  private static final class Cursor {
    private final RdbInput in;
    private final List<byte[]> items;
    private int at;

    Cursor(RdbInput in, List<byte[]> items) {
      this.in = in;
      this.items = items;
    }

    boolean hasNext() {
      return at < items.size();
    }

    byte[] next() throws IOException {
      if (at >= items.size()) {
        throw in.corrupt("stream listpack ends inside an entry");
      }
      return items.get(at++);
    }

    long integer() throws IOException {
      byte[] b = next();
      try {
        return Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw in.corrupt("stream listpack has a string where a number belongs");
      }
    }

    long count() throws IOException {
      long n = integer();
      if (n < 0 || n > items.size()) {
        throw in.corrupt("stream listpack has a field count out of range");
      }
      return n;
    }
  }
}
