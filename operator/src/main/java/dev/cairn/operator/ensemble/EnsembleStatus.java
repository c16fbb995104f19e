package dev.cairn.operator.ensemble;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ReplicatedStatus;

/** The observed state of an ensemble. */
public class EnsembleStatus extends ReplicatedStatus {
  @JsonPropertyDescription("The pod currently leading the ensemble, when known.")
  public String leader;

  @JsonPropertyDescription("ZooKeeper connect string for clients, e.g. my-ensemble.ns.svc:2181.")
  public String connectString;
}
