package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: a fresh producer id (from the coordinator-backed blocks)
 * with epoch 0. A transactional id needs the transaction coordinator, which does not exist yet: it
 * is refused with UNSUPPORTED_VERSION, a non-retriable error, so a transactional producer fails
 * fast instead of retrying forever.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
  private final BrokerContext broker;

  public InitProducerIdHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<InitProducerIdResponseData> handle(
      RequestContext ctx, InitProducerIdRequestData request) throws Exception {
    InitProducerIdResponseData r = new InitProducerIdResponseData();
    if (request.transactionalId() != null) {
      return CompletableFuture.completedFuture(
          r.setErrorCode(Errors.UNSUPPORTED_VERSION.code())
              .setProducerId(-1)
              .setProducerEpoch((short) -1));
    }
    return CompletableFuture.completedFuture(
        r.setProducerId(broker.producerIds().nextProducerId()).setProducerEpoch((short) 0));
  }
}
