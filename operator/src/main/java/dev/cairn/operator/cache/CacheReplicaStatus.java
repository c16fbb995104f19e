package dev.cairn.operator.cache;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One replica as the primary's INFO replication reports it. */
public class CacheReplicaStatus {
  @JsonPropertyDescription("The replica's pod (its IP if no pod has it).")
  public String pod;

  @JsonPropertyDescription("online, wait_bgsave, send_bulk...")
  public String state;

  @JsonPropertyDescription("The replication offset the replica acknowledged.")
  public Long offset;

  @JsonPropertyDescription("Seconds since the replica's last acknowledgement.")
  public Long lagSeconds;
}
