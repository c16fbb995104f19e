package dev.cairn.broker.api;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.txn.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;

/**
 * FindCoordinator for groups (key type 0) and transactional ids (key type 1), single key (v0-3) or
 * batched (v4+). Other key types (share groups) are INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
  private final GroupCoordinator groups;
  private final TransactionCoordinator txns;

  public FindCoordinatorHandler(GroupCoordinator groups, TransactionCoordinator txns) {
    this.groups = groups;
    this.txns = txns;
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
    boolean txn = keyType == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id();
    if (!txn && keyType != FindCoordinatorRequest.CoordinatorType.GROUP.id()) {
      return c.setErrorCode(Errors.INVALID_REQUEST.code())
          .setErrorMessage("unsupported coordinator key type " + keyType);
    }
    if (key == null || key.isEmpty()) {
      return c.setErrorCode(Errors.INVALID_REQUEST.code());
    }
    try {
      BrokerInfo b = txn ? txns.findCoordinator(key) : groups.findCoordinator(key);
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
