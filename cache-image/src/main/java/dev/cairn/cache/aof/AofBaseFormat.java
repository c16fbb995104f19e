package dev.cairn.cache.aof;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.propagation.EffectEncoder;
import dev.cairn.cache.rdb.Chunk;
import dev.cairn.cache.rdb.RdbOutput;
import dev.cairn.cache.rdb.Snapshot;
import dev.cairn.cache.rdb.SnapshotFormat;
import dev.cairn.cache.resp.RespWriter;
import dev.cairn.cache.stream.Consumer;
import dev.cairn.cache.stream.ConsumerGroup;
import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.stream.StreamEntry;
import dev.cairn.cache.stream.StreamNode;
import dev.cairn.cache.types.ListValue;
import dev.cairn.cache.types.ZSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An AOF base file of commands ({@code aof-use-rdb-preamble no}), as rewriteAppendOnlyFileRio
 * writes it: per key SET, or RPUSH / SADD / ZADD / HMSET with at most {@link #ITEMS_PER_COMMAND}
 * items each, or a stream's commands (see {@link #stream}), then PEXPIREAT for a key with a TTL;
 * SELECT before the keys of each database run. FUNCTION LOAD of every library comes first, as
 * Redis's rewriteFunctions.
 */
final class AofBaseFormat implements SnapshotFormat {
  /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
  static final int ITEMS_PER_COMMAND = 64;

  private static final byte[] SET = bytes("SET");
  private static final byte[] RPUSH = bytes("RPUSH");
  private static final byte[] SADD = bytes("SADD");
  private static final byte[] ZADD = bytes("ZADD");
  private static final byte[] HMSET = bytes("HMSET");
  private static final byte[] PEXPIREAT = bytes("PEXPIREAT");
  private static final byte[] SELECT = bytes("SELECT");
  private static final byte[] XADD = bytes("XADD");
  private static final byte[] XGROUP = bytes("XGROUP");
  private static final byte[] X = bytes("x");

  private static final byte[] FUNCTION = bytes("FUNCTION");
  private static final byte[] LOAD = bytes("LOAD");

  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream();
  private final List<byte[]> functions;

  /** {@code functions}: the FUNCTION libraries' code. */
  AofBaseFormat(List<byte[]> functions) {
    this.functions = functions;
  }

  @Override
  public boolean compress() {
    return false;
  }

  @Override
  public void record(RdbOutput out, KeyEntry e) {
    byte[] key = e.key;
    switch (e.value) {
      case byte[] s -> command(out, SET, key, s);
      case ListValue l -> {
        List<byte[]> items = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
          items.add(l.get(i));
        }
        batches(out, RPUSH, key, items, 1);
      }
      case ZSet z -> {
        List<byte[]> items = new ArrayList<>(z.size() * 2);
        for (ZSet.Node n = z.first(); n != null; n = n.next()) {
          items.add(bytes(RespWriter.formatDouble(n.score)));
          items.add(n.member);
        }
        batches(out, ZADD, key, items, 2);
      }
      case Dict d -> {
        List<byte[]> items = new ArrayList<>();
        boolean hash = d.kind() == Dict.Kind.HASH;
        for (Dict.Entry x : d) {
          items.add(x.key);
          if (hash) {
            items.add((byte[]) x.value);
          }
        }
        batches(out, hash ? HMSET : SADD, key, items, hash ? 2 : 1);
      }
      case Stream st -> stream(out, key, st);
      default -> throw new IllegalStateException("no AOF form for " + e.value.getClass());
    }
    if (e.expireAt != 0) {
      command(out, PEXPIREAT, key, bytes(Long.toString(e.expireAt)));
    }
  }

  /**
   * A stream as Redis's rewriteStreamObject writes it: XADD per live entry (an empty stream: XADD
   * MAXLEN 0 of ID 0-1, which leaves it empty), XSETID with the counters, then per group XGROUP
   * CREATE with its read counter, and per consumer an XCLAIM ... JUSTID FORCE of each pending entry
   * with its delivery time and count, or XGROUP CREATECONSUMER for a consumer with none.
   */
  private void stream(RdbOutput out, byte[] key, Stream st) {
    if (st.length() > 0) {
      for (StreamNode node : st.nodes()) {
        for (StreamEntry entry : node.entries()) {
          if (entry.deleted()) {
            continue;
          }
          byte[][] argv = new byte[3 + entry.fieldsValues.length][];
          argv[0] = XADD;
          argv[1] = key;
          argv[2] = entry.id.bytes();
          System.arraycopy(entry.fieldsValues, 0, argv, 3, entry.fieldsValues.length);
          command(out, argv);
        }
      }
    } else {
      // As Redis: 0-1 is valid whatever the last ID; the XSETID below restores the real one.
      command(out, XADD, key, bytes("MAXLEN"), bytes("0"), bytes("0-1"), X, X);
    }
    command(
        out,
        bytes("XSETID"),
        key,
        st.lastId().bytes(),
        bytes("ENTRIESADDED"),
        bytes(Long.toString(st.entriesAdded())),
        bytes("MAXDELETEDID"),
        st.maxDeletedId().bytes());
    for (var g : st.groups().entrySet()) {
      ConsumerGroup group = g.getValue();
      command(
          out,
          XGROUP,
          bytes("CREATE"),
          key,
          g.getKey(),
          group.lastId().bytes(),
          bytes("ENTRIESREAD"),
          bytes(Long.toString(group.entriesRead())));
      for (Consumer consumer : group.consumers().values()) {
        if (consumer.pending().isEmpty()) {
          command(out, XGROUP, bytes("CREATECONSUMER"), key, g.getKey(), consumer.name);
        }
        for (var p : consumer.pending().entrySet()) {
          command(
              out,
              bytes("XCLAIM"),
              key,
              g.getKey(),
              consumer.name,
              bytes("0"),
              p.getKey().bytes(),
              bytes("TIME"),
              bytes(Long.toString(p.getValue().deliveryTime())),
              bytes("RETRYCOUNT"),
              bytes(Long.toString(p.getValue().deliveryCount())),
              bytes("JUSTID"),
              bytes("FORCE"));
        }
      }
    }
  }

  /** {@code verb key item...} with at most {@link #ITEMS_PER_COMMAND} items (of {@code width}). */
  private void batches(RdbOutput out, byte[] verb, byte[] key, List<byte[]> items, int width) {
    int per = ITEMS_PER_COMMAND * width;
    for (int from = 0; from < items.size(); from += per) {
      int n = Math.min(per, items.size() - from);
      byte[][] argv = new byte[n + 2][];
      argv[0] = verb;
      argv[1] = key;
      for (int i = 0; i < n; i++) {
        argv[i + 2] = items.get(from + i);
      }
      command(out, argv);
    }
  }

  private void command(RdbOutput out, byte[]... argv) {
    scratch.reset();
    EffectEncoder.command(scratch, argv);
    out.writeBytes(scratch.toByteArray());
  }

  @Override
  public File open(OutputStream out, Snapshot snapshot) throws IOException {
    ByteArrayOutputStream libraries = new ByteArrayOutputStream();
    for (byte[] code : functions) {
      EffectEncoder.command(libraries, new byte[][] {FUNCTION, LOAD, code});
    }
    libraries.writeTo(out);
    return new File() {
      private int db = -1;

      @Override
      public void chunk(Chunk c) throws IOException {
        if (c.db() != db) {
          db = c.db();
          ByteArrayOutputStream select = new ByteArrayOutputStream();
          EffectEncoder.command(select, new byte[][] {SELECT, bytes(Integer.toString(db))});
          select.writeTo(out);
        }
        out.write(c.bytes(), 0, c.length());
      }

      @Override
      public void finish() throws IOException {
        out.flush();
      }
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
