package dev.cairn.operator.ensemble;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ReplicatedStatus;
import java.util.ArrayList;
import java.util.List;

/** The observed state of an ensemble. */
public class EnsembleStatus extends ReplicatedStatus {
  @JsonPropertyDescription("The pod currently leading the ensemble, when known.")
  public String leader;

  @JsonPropertyDescription("ZooKeeper connect string for clients, e.g. my-ensemble.ns.svc:2181.")
  public String connectString;

  @JsonPropertyDescription("Votes a write needs: a majority of spec.replicas.")
  public Integer quorumSize;

  @JsonPropertyDescription("Every server with its role and last zxid, by server id.")
  public List<EnsembleMember> members = new ArrayList<>();
}
