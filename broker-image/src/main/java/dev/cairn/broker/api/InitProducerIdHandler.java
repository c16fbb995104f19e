package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.txn.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;

/**
 * InitProducerId: for idempotent producers a fresh producer id (from the coordinator-backed blocks)
 * with epoch 0; with a transactional id, the transaction coordinator's answer (the id's producer id
 * with a bumped epoch, fencing older producers of that id).
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
  private final BrokerContext broker;
  private final TransactionCoordinator txns;

  public InitProducerIdHandler(BrokerContext broker, TransactionCoordinator txns) {
    this.broker = broker;
    this.txns = txns;
  }

  @Override
  public CompletableFuture<InitProducerIdResponseData> handle(
      RequestContext ctx, InitProducerIdRequestData request) throws Exception {
    InitProducerIdResponseData r = new InitProducerIdResponseData();
    if (request.transactionalId() != null) {
      TransactionCoordinator.ProducerIdAndEpoch result =
          txns.initProducerId(
              request.transactionalId(),
              request.transactionTimeoutMs(),
              request.producerId(),
              request.producerEpoch());
      return CompletableFuture.completedFuture(
          r.setErrorCode(result.error().code())
              .setProducerId(result.producerId())
              .setProducerEpoch(result.epoch()));
    }
    return CompletableFuture.completedFuture(
        r.setProducerId(broker.producerIds().nextProducerId()).setProducerEpoch((short) 0));
  }
}
