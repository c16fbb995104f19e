package dev.cairn.operator.ensemble;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.PodSettings;
import dev.cairn.operator.common.Storage;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/** The desired state of a coordinator ensemble (ZooKeeper protocol). */
public class EnsembleSpec {
  @JsonPropertyDescription(
      "Number of coordinator servers: 1, 3, 5 or 7; 2n+1 servers keep serving with n of them"
          + " down. Changed through dynamic reconfiguration, one server at a time; a change"
          + " between 1 and several servers is refused.")
  @Min(1)
  @Max(7)
  @ValidationRule(
      value = "self % 2 == 1",
      message = "replicas must be odd (1, 3, 5 or 7) so that a majority survives failures")
  public int replicas = 1;

  @JsonPropertyDescription("Coordinator image; cairn/coord:<operator version> when unset.")
  public String image;

  @JsonPropertyDescription("CPU and memory requests and limits of the coordinator container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("The data volume of every server (snapshots and transaction log).")
  public Storage storage = new Storage();

  @JsonPropertyDescription(
      "zoo.cfg keys, e.g. tickTime, initLimit, syncLimit, maxClientCnxns; keys the operator"
          + " derives (dataDir, clientPort, server.N) are rejected.")
  public Map<String, String> config;

  @JsonPropertyDescription("Scheduling of the pods.")
  public PodSettings template;
}
