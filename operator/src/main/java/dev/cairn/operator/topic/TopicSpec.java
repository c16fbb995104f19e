package dev.cairn.operator.topic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ClusterRef;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The desired state of a topic. */
@ValidationRule(
    value = "has(self.topicName) == has(oldSelf.topicName)",
    message = "topicName cannot be added or removed after creation")
public class TopicSpec {
  @Required
  @JsonPropertyDescription("The BrokerCluster (same namespace) that holds the topic.")
  public ClusterRef clusterRef;

  @ValidationRule(value = "self == oldSelf", message = "topicName is immutable")
  @JsonPropertyDescription("Name of the topic in the brokers; metadata.name when unset. Immutable.")
  public String topicName;

  @Min(1)
  @ValidationRule(value = "self >= oldSelf", message = "partitions can only grow")
  @JsonPropertyDescription("Number of partitions; may only grow.")
  public int partitions = 1;

  @Min(1)
  @Max(32767)
  @JsonPropertyDescription("Replication factor.")
  public int replicas = 1;

  @JsonPropertyDescription(
      "Topic configs, e.g. retention.ms, cleanup.policy; only changed keys are altered.")
  public Map<String, String> config;
}
