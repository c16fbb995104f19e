package dev.cairn.operator.topic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ClusterStatus;

/** The observed state of a topic, as the brokers describe it. */
public class TopicStatus extends ClusterStatus {
  @JsonPropertyDescription("The topic's id in the brokers.")
  public String topicId;

  @JsonPropertyDescription("Partitions the brokers report.")
  public Integer partitions;

  @JsonPropertyDescription("Replication factor the brokers report.")
  public Integer replicas;
}
