package dev.cairn.operator.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** Scheduling settings copied verbatim into every pod of a cluster. */
public class PodSettings {
  @JsonPropertyDescription("Pod affinity and anti-affinity rules.")
  public Affinity affinity;

  @JsonPropertyDescription("Tolerations of the pods.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Node labels a node must carry to run the pods.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("How the pods spread across topology domains.")
  public List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("PriorityClass of the pods.")
  public String priorityClassName;
}
