package dev.cairn.broker.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A group's committed offsets, each with the {@code __consumer_offsets} offset of the record that
 * wrote it. A write replaces only an older one (as Kafka's {@code CommitRecordMetadataAndOffset}):
 * commits replicated by the same high-watermark move are acknowledged in any order, and an offset
 * committed outside a transaction after a transaction's offset commit but before its marker keeps
 * its value, as on a replay of the log. Not thread-safe: guarded by the group's monitor.
 */
final class GroupOffsets {
  /** An offset and where its record is in {@code __consumer_offsets}. */
  record Written(OffsetRecords.Value value, long logOffset) {}

  private final Map<TopicPartition, Written> byPartition = new HashMap<>();

  /** Partitions with writes appended but not yet replicated, and how many. */
  private final Map<TopicPartition, Integer> pending = new HashMap<>();

  /** A write of {@code tp} was appended; it shows once {@link #settle}d with its value. */
  void pending(TopicPartition tp) {
    pending.merge(tp, 1, Integer::sum);
  }

  /** A pending write of {@code tp} replicated ({@code w}) or failed (null). */
  void settle(TopicPartition tp, Written w) {
    pending.computeIfPresent(tp, (k, n) -> n == 1 ? null : n - 1);
    if (w != null) {
      put(tp, w);
    }
  }

  void put(TopicPartition tp, Written w) {
    byPartition.merge(tp, w, (old, next) -> old.logOffset() > next.logOffset() ? old : next);
  }

  /** A tombstone at {@code logOffset}: drops the offset unless a later record wrote it. */
  void remove(TopicPartition tp, long logOffset) {
    byPartition.computeIfPresent(tp, (k, old) -> old.logOffset() > logOffset ? old : null);
  }

  OffsetRecords.Value get(TopicPartition tp) {
    Written w = byPartition.get(tp);
    return w == null ? null : w.value();
  }

  Map<TopicPartition, OffsetRecords.Value> all() {
    Map<TopicPartition, OffsetRecords.Value> all = new LinkedHashMap<>();
    byPartition.forEach((tp, w) -> all.put(tp, w.value()));
    return all;
  }

  /** Every partition with an offset or a pending write: what deleting the group tombstones. */
  Set<TopicPartition> partitions() {
    Set<TopicPartition> all = new HashSet<>(byPartition.keySet());
    all.addAll(pending.keySet());
    return all;
  }
}
