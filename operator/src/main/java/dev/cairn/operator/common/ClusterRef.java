package dev.cairn.operator.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A reference to another Cairn resource in the same namespace. */
public class ClusterRef {
  @Required
  @JsonPropertyDescription("Name of the referenced resource, in the same namespace.")
  public String name;

  public ClusterRef() {}

  public ClusterRef(String name) {
    this.name = name;
  }
}
