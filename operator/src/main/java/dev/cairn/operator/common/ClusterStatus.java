package dev.cairn.operator.common;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Status shared by every Cairn resource: the generation the operator last acted on and the {@code
 * Ready}, {@code Progressing} and {@code Degraded} conditions (see {@link Conditions}).
 */
public class ClusterStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, Progressing and Degraded, each with a reason and a message.")
  public List<Condition> conditions = new ArrayList<>();

  /** The condition of that type, or null. */
  public Condition condition(String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** True when the Ready condition is True. */
  @JsonIgnore
  public boolean isReady() {
    Condition ready = condition(Conditions.READY);
    return ready != null && "True".equals(ready.getStatus());
  }
}
