package dev.cairn.broker.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The records of {@code __consumer_offsets} (Kafka's layout for offset commits): key = {@code int16
 * version (1), string group, string topic, int32 partition}; value = {@code int16 version (3),
 * int64 offset, int32 leader epoch, string metadata, int64 commit timestamp}; strings as {@code
 * int16 length + UTF-8}. A null value is a tombstone (offset deleted). The topic is compacted by
 * key, so the latest commit per group/partition is what survives.
 */
public final class OffsetRecords {
  static final short KEY_VERSION = 1;
  static final short VALUE_VERSION = 3;

  private OffsetRecords() {}

  /** A decoded key. */
  public record Key(String group, String topic, int partition) {}

  /** A decoded value. */
  public record Value(long offset, int leaderEpoch, String metadata, long commitTimestamp) {}

  public static byte[] key(String group, String topic, int partition) {
    byte[] g = group.getBytes(StandardCharsets.UTF_8);
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 2 + g.length + 2 + t.length + 4);
    b.putShort(KEY_VERSION).putShort((short) g.length).put(g).putShort((short) t.length).put(t);
    b.putInt(partition);
    return b.array();
  }

  public static byte[] value(long offset, int leaderEpoch, String metadata, long timestamp) {
    byte[] m = (metadata == null ? "" : metadata).getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + 8 + 4 + 2 + m.length + 8);
    b.putShort(VALUE_VERSION).putLong(offset).putInt(leaderEpoch).putShort((short) m.length);
    b.put(m).putLong(timestamp);
    return b.array();
  }

  /** Decodes an offset-commit key, or null for other record kinds. */
  public static Key parseKey(ByteBuffer b) {
    ByteBuffer k = b.duplicate();
    if (k.getShort() != KEY_VERSION) {
      return null;
    }
    return new Key(string(k), string(k), k.getInt());
  }

  public static Value parseValue(ByteBuffer b) {
    ByteBuffer v = b.duplicate();
    short version = v.getShort();
    if (version != VALUE_VERSION) {
      throw new IllegalArgumentException("unknown offset value version " + version);
    }
    return new Value(v.getLong(), v.getInt(), string(v), v.getLong());
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getShort()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
