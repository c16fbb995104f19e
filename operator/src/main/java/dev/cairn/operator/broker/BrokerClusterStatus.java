package dev.cairn.operator.broker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.common.ReplicatedStatus;

/** The observed state of a broker cluster. */
public class BrokerClusterStatus extends ReplicatedStatus {
  @JsonPropertyDescription("The pod of the active controller, when known.")
  public String controller;

  @JsonPropertyDescription(
      "Partitions with a leader whose ISR is smaller than their replica set (0 when unknown).")
  public long underReplicatedPartitions;

  @JsonPropertyDescription("Partitions without a leader (0 when unknown).")
  public long offlinePartitions;

  @JsonPropertyDescription("Partitions with a reassignment in progress (0 when unknown).")
  public long reassigningPartitions;

  @JsonPropertyDescription("bootstrap.servers for clients, e.g. my-brokers.ns.svc:9092.")
  public String bootstrapServers;
}
