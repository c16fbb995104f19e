package dev.cairn.operator.broker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.PodSettings;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The desired state of a broker cluster (Kafka protocol). */
@ValidationRule(
    value = "has(self.ensembleRef) || self.replicas == 1",
    message =
        "without ensembleRef the broker runs its embedded coordinator, which supports only"
            + " replicas: 1")
public class BrokerClusterSpec {
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Number of brokers.")
  public int replicas = 1;

  @JsonPropertyDescription(
      "The Ensemble (same namespace) holding the cluster metadata; without it the single broker"
          + " runs an embedded coordinator.")
  public ClusterRef ensembleRef;

  @JsonPropertyDescription("Broker image; cairn/broker:<operator version> when unset.")
  public String image;

  @JsonPropertyDescription("CPU and memory requests and limits of the broker container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Log directories, one volume each.")
  public BrokerStorage storage = new BrokerStorage();

  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Listeners; one PLAINTEXT listener on 9092 when unset.")
  public List<Listener> listeners = new ArrayList<>(List.of(new Listener("PLAINTEXT", 9092)));

  @JsonPropertyDescription(
      "server.properties keys, e.g. num.partitions, log.retention.hours; keys the operator derives"
          + " (broker.id, listeners, log.dirs, zookeeper.connect, ...) are rejected.")
  public Map<String, String> config;

  @JsonPropertyDescription(
      "Node label whose value becomes broker.rack (e.g. topology.kubernetes.io/zone); brokers are"
          + " also spread over its values.")
  public String rackTopologyKey;

  @JsonPropertyDescription("Scheduling of the pods.")
  public PodSettings template;

  @JsonPropertyDescription(
      "After a scale up, once every broker is registered and no partition is under-replicated:"
          + " while a broker holds no replica and another holds two or more, move replicas by"
          + " partition reassignment until no two brokers differ by more than one. Scale down"
          + " always moves replicas off the brokers being removed first.")
  public boolean rebalanceOnScaleUp;
}
