package dev.cairn.broker.api;

import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.Reassignment;
import dev.cairn.broker.server.BrokerContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterPartitionReassignments and ListPartitionReassignments ({@code kafka-reassign-partitions.sh},
 * {@code Admin.alterPartitionReassignments}): a request records each partition's target; the
 * controller carries it out (new replicas catch up, then those leaving go).
 */
public final class ReassignmentHandlers {
  private final BrokerContext broker;

  public ReassignmentHandlers(BrokerContext broker) {
    this.broker = broker;
  }

  public ApiHandler<AlterPartitionReassignmentsRequestData> alter() {
    return (ctx, request) -> {
      AlterPartitionReassignmentsResponseData response =
          new AlterPartitionReassignmentsResponseData()
              .setAllowReplicationFactorChange(request.allowReplicationFactorChange());
      for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : request.topics()) {
        ReassignableTopicResponse tr = new ReassignableTopicResponse().setName(t.name());
        for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
          ReassignablePartitionResponse pr =
              new ReassignablePartitionResponse().setPartitionIndex(p.partitionIndex());
          try {
            broker
                .topics()
                .reassign(
                    t.name(),
                    p.partitionIndex(),
                    p.replicas(),
                    request.allowReplicationFactorChange());
            pr.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
          } catch (Exception e) {
            ApiError error = ApiError.fromThrowable(e);
            pr.setErrorCode(error.error().code()).setErrorMessage(error.message());
          }
          tr.partitions().add(pr);
        }
        response.responses().add(tr);
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<ListPartitionReassignmentsRequestData> list() {
    return (ctx, request) -> {
      MetadataImage image = broker.metadata().image();
      Map<String, OngoingTopicReassignment> topics = new LinkedHashMap<>();
      for (Map.Entry<TopicPartition, Reassignment> e : image.reassignments().entrySet()) {
        TopicPartition tp = e.getKey();
        if (!requested(request, tp)) {
          continue;
        }
        MetadataImage.PartitionImage p = image.partition(tp);
        if (p == null) {
          continue;
        }
        Reassignment r = e.getValue();
        topics
            .computeIfAbsent(tp.topic(), t -> new OngoingTopicReassignment().setName(t))
            .partitions()
            .add(
                new OngoingPartitionReassignment()
                    .setPartitionIndex(tp.partition())
                    .setReplicas(new ArrayList<>(p.replicas()))
                    .setAddingReplicas(new ArrayList<>(r.adding()))
                    .setRemovingReplicas(new ArrayList<>(r.removing())));
      }
      return CompletableFuture.completedFuture(
          new ListPartitionReassignmentsResponseData().setTopics(new ArrayList<>(topics.values())));
    };
  }

  private static boolean requested(
      ListPartitionReassignmentsRequestData request, TopicPartition tp) {
    if (request.topics() == null) {
      return true;
    }
    for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics t :
        request.topics()) {
      if (t.name().equals(tp.topic()) && t.partitionIndexes().contains(tp.partition())) {
        return true;
      }
    }
    return false;
  }
}
