package dev.cairn.broker.api;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.metadata.BrokerInfo;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;

/**
 * FindCoordinator for groups (key type 0), single key (v0-3) or batched (v4+). Transaction
 * coordinators (key type 1) do not exist yet: COORDINATOR_NOT_AVAILABLE.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
  private final GroupCoordinator groups;

  public FindCoordinatorHandler(GroupCoordinator groups) {
    this.groups = groups;
  }

  @Override
  public CompletableFuture<FindCoordinatorResponseData> handle(
      RequestContext ctx, FindCoordinatorRequestData request) {
    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
    if (ctx.version() < 4) {
      Coordinator c = find(request.key(), request.keyType());
      response
          .setErrorCode(c.errorCode())
          .setErrorMessage(c.errorMessage())
          .setNodeId(c.nodeId())
          .setHost(c.host())
          .setPort(c.port());
    } else {
      for (String key : request.coordinatorKeys()) {
        response.coordinators().add(find(key, request.keyType()));
      }
    }
    return CompletableFuture.completedFuture(response);
  }

  private Coordinator find(String key, byte keyType) {
    Coordinator c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
    if (keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
      return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
          .setErrorMessage("transaction coordinators are not supported yet");
    }
    if (key == null || key.isEmpty()) {
      return c.setErrorCode(Errors.INVALID_REQUEST.code());
    }
    try {
      BrokerInfo b = groups.findCoordinator(key);
      if (b == null) {
        return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
      }
      return c.setNodeId(b.id()).setHost(b.host()).setPort(b.port());
    } catch (Exception e) {
      return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
          .setErrorMessage(e.getMessage());
    }
  }
}
