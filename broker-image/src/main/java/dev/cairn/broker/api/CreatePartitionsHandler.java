package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.requests.ApiError;

/** CreatePartitions: grow only (INVALID_PARTITIONS otherwise), optional manual assignment. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequestData> {
  private final BrokerContext broker;

  public CreatePartitionsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<CreatePartitionsResponseData> handle(
      RequestContext ctx, CreatePartitionsRequestData request) {
    CreatePartitionsResponseData response = new CreatePartitionsResponseData();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
      CreatePartitionsTopicResult r = new CreatePartitionsTopicResult().setName(t.name());
      try {
        List<List<Integer>> explicit =
            t.assignments() == null
                ? null
                : t.assignments().stream().map(a -> a.brokerIds()).toList();
        pending.add(
            broker
                .topics()
                .createPartitions(
                    t.name(),
                    t.count(),
                    explicit,
                    request.validateOnly(),
                    BrokerContext.requestWait(request.timeoutMs()))
                .handle((v, e) -> e == null ? null : fail(r, e)));
      } catch (Exception e) {
        fail(r, e);
      }
      response.results().add(r);
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(v -> response);
  }

  private static Void fail(CreatePartitionsTopicResult r, Throwable e) {
    ApiError error = ApiError.fromThrowable(e);
    r.setErrorCode(error.error().code()).setErrorMessage(error.message());
    return null;
  }
}
