package dev.cairn.broker.api;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.metadata.PartitionState;
import dev.cairn.broker.server.BrokerContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata: live brokers, the controller, and the requested topics (all when the list is null) with
 * leaders, epochs, replicas and ISR. Unknown topics are auto-created when both the client
 * (allowAutoTopicCreation) and {@code auto.create.topics.enable} allow it, answered
 * LEADER_NOT_AVAILABLE until their leaders exist — the client retries, as with Kafka.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
  private final BrokerContext broker;

  public MetadataHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<MetadataResponseData> handle(
      RequestContext ctx, MetadataRequestData request) throws Exception {
    MetadataImage image = broker.metadata().image();
    List<String> names = new ArrayList<>();
    boolean all = request.topics() == null || (ctx.version() == 0 && request.topics().isEmpty());
    if (all) {
      names.addAll(image.topics().keySet());
    } else {
      for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
        // By id whenever an id is given: kafka-clients leaves the name empty (not null) then.
        if (t.topicId() != null && !t.topicId().equals(Uuid.ZERO_UUID)) {
          MetadataImage.TopicImage byId = image.topicById(t.topicId());
          names.add(byId == null ? null : byId.name());
        } else {
          names.add(t.name());
        }
      }
    }
    boolean autoCreate =
        !all
            && broker.config().get(BrokerConfig.AUTO_CREATE_TOPICS)
            && (ctx.version() < 4 || request.allowAutoTopicCreation());
    List<String> created = new ArrayList<>();
    if (autoCreate) {
      for (String name : names) {
        if (name != null && image.topic(name) == null && !Topic.isInternal(name)) {
          try {
            Topic.validate(name);
            // Not waited for: LEADER_NOT_AVAILABLE until it shows, and the client asks again.
            broker.topics().create(name, -1, -1, Map.of(), Map.of(), false, Duration.ZERO);
            created.add(name);
          } catch (TopicExistsException e) {
            created.add(name);
          } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
            // reported as INVALID_TOPIC_EXCEPTION below
          }
        }
      }
    }
    MetadataImage current = autoCreate ? broker.metadata().image() : image;
    MetadataResponseData response =
        new MetadataResponseData()
            .setClusterId(broker.clusterId())
            .setControllerId(current.controllerId());
    if (request.includeClusterAuthorizedOperations()) {
      response.setClusterAuthorizedOperations(AuthorizedOperations.CLUSTER);
    }
    for (BrokerInfo b : current.brokers().values()) {
      response
          .brokers()
          .add(
              new MetadataResponseBroker()
                  .setNodeId(b.id())
                  .setHost(b.host())
                  .setPort(b.port())
                  .setRack(b.rack()));
    }
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      MetadataResponseTopic topic = new MetadataResponseTopic().setName(name);
      if (name == null) {
        topic
            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
            .setTopicId(request.topics().get(i).topicId());
        response.topics().add(topic);
        continue;
      }
      MetadataImage.TopicImage t = current.topic(name);
      if (t == null) {
        Errors error;
        if (!Topic.isValid(name)) {
          error = Errors.INVALID_TOPIC_EXCEPTION;
        } else if (created.contains(name)) {
          error = Errors.LEADER_NOT_AVAILABLE;
        } else {
          error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        response.topics().add(topic.setErrorCode(error.code()));
        continue;
      }
      topic.setTopicId(t.id()).setIsInternal(Topic.isInternal(name));
      if (request.includeTopicAuthorizedOperations()) {
        topic.setTopicAuthorizedOperations(AuthorizedOperations.TOPIC);
      }
      for (MetadataImage.PartitionImage p : t.partitions().values()) {
        PartitionState st = p.state();
        int leader = st == null ? PartitionState.NO_LEADER : st.leader();
        List<Integer> offline =
            p.replicas().stream().filter(r -> !current.brokers().containsKey(r)).toList();
        topic
            .partitions()
            .add(
                new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(
                        leader == PartitionState.NO_LEADER
                            ? Errors.LEADER_NOT_AVAILABLE.code()
                            : Errors.NONE.code())
                    .setLeaderId(leader)
                    .setLeaderEpoch(st == null ? -1 : st.leaderEpoch())
                    .setReplicaNodes(p.replicas())
                    .setIsrNodes(st == null ? List.of() : st.isr())
                    .setOfflineReplicas(offline));
      }
      response.topics().add(topic);
    }
    return CompletableFuture.completedFuture(response);
  }
}
