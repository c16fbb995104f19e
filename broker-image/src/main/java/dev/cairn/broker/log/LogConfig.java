package dev.cairn.broker.log;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.config.TopicConfigs;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The effective log settings of one partition: the topic's overrides over the broker's defaults.
 * Immutable; a config change builds a new one and the log picks it up at its next append.
 *
 * @param segmentBytes roll when the active segment would exceed this size
 * @param segmentMs roll when the active segment's first batch is older than this
 * @param retentionMs delete segments whose newest record is older; -1 keeps forever
 * @param retentionBytes delete oldest segments while the log is larger; -1 keeps everything
 * @param maxMessageBytes largest record batch accepted (MESSAGE_TOO_LARGE above)
 * @param indexIntervalBytes bytes of log between two offset-index entries
 * @param segmentIndexBytes preallocated (maximum) size of each index file
 * @param flushMessages fsync after this many appended messages
 * @param flushMs fsync when the last fsync is older than this
 * @param compact whether cleanup.policy contains compact
 * @param delete whether cleanup.policy contains delete
 * @param logAppendTime whether message.timestamp.type is LogAppendTime
 * @param timestampBeforeMaxMs how far in the past a CreateTime record may be (INVALID_TIMESTAMP)
 * @param timestampAfterMaxMs how far in the future a CreateTime record may be (INVALID_TIMESTAMP)
 * @param segmentJitterMs up to this much is taken off segment.ms per segment, at random, so logs
 *     created together do not all roll at once
 * @param minCompactionLagMs records younger than this are never compacted
 * @param maxCompactionLagMs records older than this get compacted whatever the dirty ratio
 * @param minCleanableDirtyRatio compact when uncompacted bytes reach this share of the log
 * @param fileDeleteDelayMs how long a deleted segment's bytes stay readable (responses in flight)
 * @param preallocate whether new segment files are preallocated to segment.bytes
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    long retentionMs,
    long retentionBytes,
    int maxMessageBytes,
    int indexIntervalBytes,
    int segmentIndexBytes,
    long flushMessages,
    long flushMs,
    boolean compact,
    boolean delete,
    long deleteRetentionMs,
    int minInsyncReplicas,
    boolean logAppendTime,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs,
    long segmentJitterMs,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio,
    long fileDeleteDelayMs,
    boolean preallocate) {

  public static LogConfig of(BrokerConfig broker, Map<String, String> overrides) {
    java.util.function.Function<String, String> v =
        name -> TopicConfigs.effective(broker, overrides, name).trim();
    String policy = v.apply(TopicConfigs.CLEANUP_POLICY);
    return new LogConfig(
        Integer.parseInt(v.apply(TopicConfigs.SEGMENT_BYTES)),
        Long.parseLong(v.apply(TopicConfigs.SEGMENT_MS)),
        Long.parseLong(v.apply(TopicConfigs.RETENTION_MS)),
        Long.parseLong(v.apply(TopicConfigs.RETENTION_BYTES)),
        Integer.parseInt(v.apply(TopicConfigs.MAX_MESSAGE_BYTES)),
        Integer.parseInt(v.apply(TopicConfigs.INDEX_INTERVAL_BYTES)),
        Integer.parseInt(v.apply(TopicConfigs.SEGMENT_INDEX_BYTES)),
        Long.parseLong(v.apply(TopicConfigs.FLUSH_MESSAGES)),
        Long.parseLong(v.apply(TopicConfigs.FLUSH_MS)),
        policy.contains("compact"),
        policy.contains("delete"),
        Long.parseLong(v.apply(TopicConfigs.DELETE_RETENTION_MS)),
        Integer.parseInt(v.apply(TopicConfigs.MIN_INSYNC_REPLICAS)),
        v.apply(TopicConfigs.MESSAGE_TIMESTAMP_TYPE).equals("LogAppendTime"),
        Long.parseLong(v.apply(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS)),
        Long.parseLong(v.apply(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS)),
        Long.parseLong(v.apply(TopicConfigs.SEGMENT_JITTER_MS)),
        Long.parseLong(v.apply(TopicConfigs.MIN_COMPACTION_LAG_MS)),
        Long.parseLong(v.apply(TopicConfigs.MAX_COMPACTION_LAG_MS)),
        Double.parseDouble(v.apply(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO)),
        Long.parseLong(v.apply(TopicConfigs.FILE_DELETE_DELAY_MS)),
        Boolean.parseBoolean(v.apply(TopicConfigs.PREALLOCATE)));
  }

  /**
   * The age at which a segment rolls: segment.ms, or max.compaction.lag.ms when that is sooner on a
   * compacted topic — only inactive segments are compacted, so the active one must roll in time
   * (Kafka's maxSegmentMs).
   */
  public long maxSegmentMs() {
    return compact && maxCompactionLagMs > 0 ? Math.min(maxCompactionLagMs, segmentMs) : segmentMs;
  }

  /** A new segment's jitter: uniform in [0, min(segment.jitter.ms, age limit)), as Kafka. */
  public long randomSegmentJitter() {
    return segmentJitterMs == 0
        ? 0
        : ThreadLocalRandom.current().nextLong(Math.min(segmentJitterMs, maxSegmentMs()));
  }
}
