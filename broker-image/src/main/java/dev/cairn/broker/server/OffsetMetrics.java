package dev.cairn.broker.server;

import dev.cairn.broker.group.GroupCoordinator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Per-partition offsets for consumer lag, read at scrape time: the high watermark of each partition
 * this broker leads, and the committed offset of each partition of each group it coordinates. A
 * group's lag is the difference, joined on topic and partition in PromQL across the brokers (the
 * leader and the group coordinator are often different brokers), as kafka_exporter computes it.
 */
public final class OffsetMetrics {
  private OffsetMetrics() {}

  public static void register(
      PrometheusRegistry registry, ReplicaManager replicas, GroupCoordinator groups) {
    registry.register(() -> highWatermarks(replicas));
    registry.register(() -> committedOffsets(groups));
  }

  private static GaugeSnapshot highWatermarks(ReplicaManager replicas) {
    GaugeSnapshot.Builder b =
        GaugeSnapshot.builder()
            .name("cairn_broker_partition_high_watermark")
            .help("High watermark of each partition this broker leads");
    for (Map.Entry<TopicPartition, Long> e : replicas.leaderHighWatermarks().entrySet()) {
      b.dataPoint(point(Labels.of(partitionLabels(e.getKey())), e.getValue()));
    }
    return b.build();
  }

  private static GaugeSnapshot committedOffsets(GroupCoordinator groups) {
    GaugeSnapshot.Builder b =
        GaugeSnapshot.builder()
            .name("cairn_broker_consumer_group_committed_offset")
            .help("Committed offset of each partition of each group this broker coordinates");
    groups
        .committedOffsets()
        .forEach((group, offsets) ->
            offsets.forEach((tp, offset) -> {
              String[] names = {"group", "partition", "topic"};
              String[] values = {group, Integer.toString(tp.partition()), tp.topic()};
              b.dataPoint(point(Labels.of(names, values), offset));
            }));
    return b.build();
  }

  private static String[] partitionLabels(TopicPartition tp) {
    return new String[] {"partition", Integer.toString(tp.partition()), "topic", tp.topic()};
  }

  private static GaugeDataPointSnapshot point(Labels labels, long value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
