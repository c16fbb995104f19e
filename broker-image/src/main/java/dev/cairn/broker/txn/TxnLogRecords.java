package dev.cairn.broker.txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of {@code __transaction_state}, in Kafka's schema (TransactionLogKey v0,
 * TransactionLogValue v0): key = {@code int16 version (0), string transactional_id}; value = {@code
 * int16 version (0), int64 producer_id, int16 producer_epoch, int32 timeout_ms, int8 state, [string
 * topic, [int32 partition]] partitions, int64 last_update_ms, int64 start_ms}; strings as {@code
 * int16 length + UTF-8}, arrays as {@code int32 count} (-1: null). Compacted by key: the latest
 * state per transactional id survives.
 */
final class TxnLogRecords {
  static final short KEY_VERSION = 0;
  static final short VALUE_VERSION = 0;

  private TxnLogRecords() {}

  static byte[] key(String transactionalId) {
    byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + id.length)
        .putShort(KEY_VERSION)
        .putShort((short) id.length)
        .put(id)
        .array();
  }

  static byte[] value(TxnMetadata m) {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    for (TopicPartition tp : m.partitions) {
      byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
    }
    int size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
    for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
      size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * e.getValue().size();
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putShort(VALUE_VERSION)
        .putLong(m.producerId)
        .putShort(m.epoch)
        .putInt(m.timeoutMs)
        .put(m.state.id)
        .putInt(byTopic.size());
    for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
      byte[] t = e.getKey().getBytes(StandardCharsets.UTF_8);
      b.putShort((short) t.length).put(t).putInt(e.getValue().size());
      e.getValue().forEach(b::putInt);
    }
    b.putLong(m.lastUpdateMs).putLong(m.startMs);
    return b.array();
  }

  /** The transactional id of a key, or null for a key of another version. */
  static String parseKey(ByteBuffer buf) {
    ByteBuffer k = buf.duplicate();
    if (k.getShort() != KEY_VERSION) {
      return null;
    }
    return string(k);
  }

  static TxnMetadata parseValue(String transactionalId, ByteBuffer buf) {
    ByteBuffer v = buf.duplicate();
    short version = v.getShort();
    if (version != VALUE_VERSION) {
      throw new IllegalArgumentException("unknown transaction log value version " + version);
    }
    TxnMetadata m = new TxnMetadata(transactionalId);
    m.producerId = v.getLong();
    m.epoch = v.getShort();
    m.timeoutMs = v.getInt();
    m.state = TxnState.of(v.get());
    int topics = v.getInt();
    for (int i = 0; i < topics; i++) {
      String topic = string(v);
      int n = v.getInt();
      for (int j = 0; j < n; j++) {
        m.partitions.add(new TopicPartition(topic, v.getInt()));
      }
    }
    m.lastUpdateMs = v.getLong();
    m.startMs = v.getLong();
    return m;
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getShort()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
