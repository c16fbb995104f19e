package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders (AdminClient.electLeaders, kafka-leader-election.sh): preferred or unclean election
 * on the named partitions, or on all of them, done by the controller.
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequestData> {
  private final BrokerContext broker;

  public ElectLeadersHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<ElectLeadersResponseData> handle(
      RequestContext ctx, ElectLeadersRequestData request) {
    ElectionType type = ElectionType.valueOf(request.electionType());
    Set<TopicPartition> partitions = null;
    if (request.topicPartitions() != null) {
      partitions = new LinkedHashSet<>();
      for (ElectLeadersRequestData.TopicPartitions t : request.topicPartitions()) {
        for (int p : t.partitions()) {
          partitions.add(new TopicPartition(t.topic(), p));
        }
      }
    }
    return broker
        .controller()
        .elect(type, partitions)
        .handle((results, failure) -> {
          if (failure != null) {
            Throwable cause =
                failure instanceof java.util.concurrent.CompletionException
                    ? failure.getCause()
                    : failure;
            Errors error =
                cause instanceof NotControllerException
                    ? Errors.NOT_CONTROLLER
                    : Errors.forException(cause);
            return new ElectLeadersResponseData().setErrorCode(error.code());
          }
          Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
          results.forEach((tp, error) ->
              byTopic
                  .computeIfAbsent(tp.topic(), t -> new ReplicaElectionResult().setTopic(t))
                  .partitionResult()
                  .add(
                      new PartitionResult()
                          .setPartitionId(tp.partition())
                          .setErrorCode(error.code())
                          .setErrorMessage(error == Errors.NONE ? null : error.message())));
          return new ElectLeadersResponseData()
              .setErrorCode(Errors.NONE.code())
              .setReplicaElectionResults(new java.util.ArrayList<>(byTopic.values()));
        });
  }
}
