package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.server.TopicAdmin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * CreateTopics: one {@link TopicAdmin#create} per topic; errors per topic with messages; a created
 * (or validated) topic's configuration as DescribeConfigs would report it. Answered once every
 * topic is visible on this broker, or REQUEST_TIMED_OUT for those that are not within the request's
 * timeout; no thread waits meanwhile. A name the request lists more than once is neither created
 * nor validated: it gets one INVALID_REQUEST result ("Duplicate topic name."), after the others, as
 * Kafka answers.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
  private final BrokerContext broker;

  public CreateTopicsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<CreateTopicsResponseData> handle(
      RequestContext ctx, CreateTopicsRequestData request) {
    CreateTopicsResponseData response = new CreateTopicsResponseData();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new LinkedHashSet<>();
    for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
      if (!seen.add(t.name())) {
        duplicates.add(t.name());
      }
    }
    for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
      if (duplicates.contains(t.name())) {
        continue;
      }
      CreatableTopicResult r = new CreatableTopicResult().setName(t.name());
      response.topics().add(r);
      Map<Integer, java.util.List<Integer>> explicit = new LinkedHashMap<>();
      t.assignments().forEach(a -> explicit.put(a.partitionIndex(), a.brokerIds()));
      Map<String, String> configs = new LinkedHashMap<>();
      t.configs().forEach(c -> configs.put(c.name(), c.value()));
      CompletableFuture<TopicAdmin.Created> created;
      try {
        created =
            broker
                .topics()
                .create(
                    t.name(),
                    t.numPartitions(),
                    t.replicationFactor(),
                    explicit,
                    configs,
                    request.validateOnly(),
                    BrokerContext.requestWait(request.timeoutMs()));
      } catch (Exception e) {
        created = CompletableFuture.failedFuture(e);
      }
      pending.add(
          created.handle((c, e) -> {
            if (e == null) {
              succeeded(r, c, configs);
            } else {
              ApiError error = ApiError.fromThrowable(e);
              r.setErrorCode(error.error().code()).setErrorMessage(error.message());
              r.setNumPartitions(-1).setReplicationFactor((short) -1);
            }
            return null;
          }));
    }
    for (String name : duplicates) {
      response
          .topics()
          .add(
              new CreatableTopicResult()
                  .setName(name)
                  .setErrorCode(Errors.INVALID_REQUEST.code())
                  .setErrorMessage("Duplicate topic name."));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(v -> response);
  }

  private void succeeded(
      CreatableTopicResult r, TopicAdmin.Created created, Map<String, String> configs) {
    r.setTopicId(created.assignment().topicId())
        .setNumPartitions(created.partitions())
        .setReplicationFactor(created.replicationFactor())
        .setErrorMessage(null)
        .setConfigs(
            ConfigHandlers.topicEntries(broker.liveConfig().layers(), configs, false, true).stream()
                .map(e ->
                    new CreatableTopicConfigs()
                        .setName(e.name())
                        .setValue(e.value())
                        .setReadOnly(e.readOnly())
                        .setConfigSource(e.configSource())
                        .setIsSensitive(e.isSensitive()))
                .toList());
  }
}
