package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.txn.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
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
  private final Executor coordinatorThreads;

  /**
   * @param coordinatorThreads where the coordinator's calls run (they wait for replication)
   */
  public InitProducerIdHandler(
      BrokerContext broker, TransactionCoordinator txns, Executor coordinatorThreads) {
    this.broker = broker;
    this.txns = txns;
    this.coordinatorThreads = coordinatorThreads;
  }

  @Override
  public CompletableFuture<InitProducerIdResponseData> handle(
      RequestContext ctx, InitProducerIdRequestData request) throws Exception {
    InitProducerIdResponseData r = new InitProducerIdResponseData();
    if (request.transactionalId() != null) {
      return CompletableFuture.supplyAsync(
          () -> {
            TransactionCoordinator.ProducerIdAndEpoch result;
            try {
              result =
                  txns.initProducerId(
                      request.transactionalId(),
                      request.transactionTimeoutMs(),
                      request.producerId(),
                      request.producerEpoch());
            } catch (Exception e) {
              throw new CompletionException(e);
            }
            return r.setErrorCode(result.error().code())
                .setProducerId(result.producerId())
                .setProducerEpoch(result.epoch());
          },
          coordinatorThreads);
    }
    return CompletableFuture.completedFuture(
        r.setProducerId(broker.producerIds().nextProducerId()).setProducerEpoch((short) 0));
  }
}
