package dev.cairn.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Refusals carry the text Kafka 4.2's LogConfig.validate gives for the same value. */
class TopicConfigsTest {
  @Test
  void refusalsReadAsKafkas() {
    assertThat(TopicConfigs.validate("min.cleanable.dirty.ratio", "1.5"))
        .isEqualTo(
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more"
                + " than 1");
    assertThat(TopicConfigs.validate("min.cleanable.dirty.ratio", "abc"))
        .endsWith(": Not a number of type DOUBLE");
    assertThat(TopicConfigs.validate("segment.jitter.ms", "-1"))
        .isEqualTo(
            "Invalid value -1 for configuration segment.jitter.ms: Value must be at least 0");
    assertThat(TopicConfigs.validate("segment.bytes", "1000")).endsWith("at least 1048576");
    assertThat(TopicConfigs.validate("retention.ms", "soon"))
        .endsWith(": Not a number of type LONG");
    assertThat(TopicConfigs.validate("compression.gzip.level", "10"))
        .endsWith(": Value must be between 1 and 9 or equal to -1");
    assertThat(TopicConfigs.validate("preallocate", "maybe"))
        .endsWith(": Expected value to be either true or false");
    assertThat(TopicConfigs.validate("cleanup.policy", "compact,foo"))
        .isEqualTo(
            "Invalid value foo for configuration cleanup.policy: String must be one of: compact,"
                + " delete");
    assertThat(TopicConfigs.validate("compression.type", "foo"))
        .endsWith("String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer");
    assertThat(TopicConfigs.validate("leader.replication.throttled.replicas", " 0 : 1 "))
        .isEqualTo(
            "Invalid value [0 : 1] for configuration leader.replication.throttled.replicas:"
                + " leader.replication.throttled.replicas must be the literal '*' or a list of"
                + " replicas in the following format:"
                + " [partitionId]:[brokerId],[partitionId]:[brokerId],...");
    assertThat(TopicConfigs.validate("remote.storage.enable", "true"))
        .isEqualTo(
            "Tiered Storage functionality is disabled in the broker. Topic cannot be configured"
                + " with remote log storage.");
  }

  @Test
  void everyKafka4TopicKeyIsKnown() {
    assertThat(TopicConfigs.keys()).hasSize(33);
    assertThat(TopicConfigs.validate("leader.replication.throttled.replicas", "*")).isNull();
    assertThat(TopicConfigs.validate("follower.replication.throttled.replicas", "0:1,1:2"))
        .isNull();
    assertThat(TopicConfigs.validate("min.cleanable.dirty.ratio", "0.25")).isNull();
    assertThat(TopicConfigs.validate("local.retention.bytes", "-2")).isNull();
  }
}
