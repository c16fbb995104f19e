package dev.cairn.broker.api;

import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.server.BrokerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * DeleteTopics by name (v0-5 topicNames, v6 topics) or topic id (v6); TOPIC_DELETION_DISABLED when
 * {@code delete.topic.enable=false}. Each broker removes its logs when it sees the topic gone.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData> {
  private final BrokerContext broker;

  public DeleteTopicsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<DeleteTopicsResponseData> handle(
      RequestContext ctx, DeleteTopicsRequestData request) {
    DeleteTopicsResponseData response = new DeleteTopicsResponseData();
    List<DeletableTopicResult> wanted = new ArrayList<>();
    request.topicNames().forEach(n -> wanted.add(new DeletableTopicResult().setName(n)));
    for (DeleteTopicsRequestData.DeleteTopicState t : request.topics()) {
      DeletableTopicResult r = new DeletableTopicResult().setName(t.name()).setTopicId(t.topicId());
      if (t.name() == null && t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
        MetadataImage.TopicImage byId = broker.metadata().image().topicById(t.topicId());
        if (byId == null) {
          r.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        } else {
          r.setName(byId.name());
        }
      }
      wanted.add(r);
    }
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (DeletableTopicResult r : wanted) {
      if (r.errorCode() == Errors.NONE.code()) {
        try {
          if (!broker.config().get(BrokerConfig.DELETE_TOPIC_ENABLE)) {
            throw new org.apache.kafka.common.errors.TopicDeletionDisabledException(
                "Topic deletion is disabled.");
          }
          MetadataImage.TopicImage t = broker.metadata().image().topic(r.name());
          if (t != null) {
            r.setTopicId(t.id());
          }
          pending.add(
              broker
                  .topics()
                  .delete(r.name(), BrokerContext.requestWait(request.timeoutMs()))
                  .handle((v, e) -> e == null ? null : fail(r, e)));
        } catch (Exception e) {
          fail(r, e);
        }
      }
      response.responses().add(r);
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(v -> response);
  }

  private static Void fail(DeletableTopicResult r, Throwable e) {
    ApiError error = ApiError.fromThrowable(e);
    r.setErrorCode(error.error().code()).setErrorMessage(error.message());
    return null;
  }
}
