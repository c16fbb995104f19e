package dev.cairn.broker.api;

import dev.cairn.broker.log.LogAppendInfo;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.server.BrokerContext;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.txn.TxnVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ProduceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validate and append each partition's batches on its leader; answer per partition with
 * the base offset or Kafka's error (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER,
 * CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_RECORD, OUT_OF_ORDER_SEQUENCE, NOT_ENOUGH_REPLICAS…).
 * acks=0 sends no response at all, and closes the connection if any partition failed (as Kafka);
 * acks=1 answers after the local append; acks=all answers once every in-sync replica holds the
 * records (the high watermark passed them: at once when the ISR is the leader alone), waiting in
 * the produce purgatory otherwise — REQUEST_TIMED_OUT after the request's timeout,
 * NOT_LEADER_OR_FOLLOWER if leadership moves meanwhile. No request thread waits.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
  private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

  /**
   * Errors Kafka answers with log start offset -1: the batch never reached a partition's log. Every
   * other error (sequence, epoch, record validation) carries the partition's log start.
   */
  private static final Set<Errors> REJECTED_BEFORE_THE_LOG =
      EnumSet.of(
          Errors.UNKNOWN_TOPIC_OR_PARTITION,
          Errors.NOT_LEADER_OR_FOLLOWER,
          Errors.MESSAGE_TOO_LARGE,
          Errors.RECORD_LIST_TOO_LARGE,
          Errors.CORRUPT_MESSAGE,
          Errors.KAFKA_STORAGE_ERROR,
          Errors.INVALID_TOPIC_EXCEPTION,
          Errors.INVALID_REQUIRED_ACKS);

  private final BrokerContext broker;
  private final TxnVerifier txnVerifier;
  private final Counter bytesIn;
  private final Counter messagesIn;

  public ProduceHandler(BrokerContext broker, TxnVerifier txnVerifier, MeterRegistry registry) {
    this.broker = broker;
    this.txnVerifier = txnVerifier;
    this.bytesIn = registry.counter("cairn_broker_bytes_in_total");
    this.messagesIn = registry.counter("cairn_broker_messages_in_total");
  }

  @Override
  public CompletableFuture<ProduceResponseData> handle(
      RequestContext ctx, ProduceRequestData request) {
    short acks = request.acks();
    ProduceResponseData response = new ProduceResponseData();
    List<CompletableFuture<Void>> replicated = new ArrayList<>();
    for (ProduceRequestData.TopicProduceData topic : request.topicData()) {
      TopicProduceResponse tr = new TopicProduceResponse().setName(topic.name());
      for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
        TopicPartition tp = new TopicPartition(topic.name(), p.index());
        PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index());
        if (acks != 0 && acks != 1 && acks != -1) {
          pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
        } else {
          ReplicaManager.Appended appended =
              append(
                  tp,
                  (MemoryRecords) p.records(),
                  acks,
                  request.transactionalId(),
                  ctx.version(),
                  pr);
          if (appended != null && acks == -1) {
            replicated.add(awaitCommitted(tp, appended, pr, request.timeoutMs()));
          }
        }
        tr.partitionResponses().add(pr);
      }
      response.responses().add(tr);
    }
    if (acks != 0) {
      return CompletableFuture.allOf(replicated.toArray(CompletableFuture[]::new))
          .thenApply(v -> response);
    }
    Map<Errors, Integer> errors = new HashMap<>(new ProduceResponse(response).errorCounts());
    errors.remove(Errors.NONE);
    return errors.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(
            new CloseConnectionException("acks=0 produce failed: " + errors));
  }

  /** Appends on the leader; returns what was appended, or null after recording the error. */
  private ReplicaManager.Appended append(
      TopicPartition tp,
      MemoryRecords records,
      short acks,
      String transactionalId,
      short version,
      PartitionProduceResponse pr) {
    try {
      if (Topic.isInternal(tp.topic())) {
        throw new InvalidTopicException("Cannot append to internal topic " + tp.topic());
      }
      if (records == null) {
        throw new org.apache.kafka.common.errors.CorruptRecordException("no records");
      }
      Errors unverified = verifyTransaction(tp, records, transactionalId, version);
      if (unverified != Errors.NONE) {
        // As Kafka: refused before the log, so no log start offset.
        pr.setErrorCode(unverified.code())
            .setErrorMessage(
                "verifying "
                    + tp
                    + " in the transaction of "
                    + transactionalId
                    + " answered "
                    + unverified)
            .setBaseOffset(-1);
        return null;
      }
      ReplicaManager.Appended appended = broker.replicas().appendAsLeader(tp, records, acks);
      LogAppendInfo info = appended.info();
      bytesIn.increment(records.sizeInBytes());
      messagesIn.increment(info.records());
      pr.setBaseOffset(info.firstOffset())
          .setLogAppendTimeMs(info.logAppendTime())
          .setLogStartOffset(info.logStartOffset());
      return appended;
    } catch (Exception e) {
      Errors error = Errors.forException(e);
      if (error == Errors.UNKNOWN_SERVER_ERROR) {
        log.error("{}: append failed", tp, e);
      } else {
        log.debug("{}: produce rejected: {}", tp, e.getMessage());
      }
      pr.setErrorCode(error.code()).setErrorMessage(e.getMessage()).setBaseOffset(-1);
      if (!REJECTED_BEFORE_THE_LOG.contains(error)) {
        pr.setLogStartOffset(logStartOffset(tp));
      }
      return null;
    }
  }

  /**
   * A producer's first transactional batch in a partition must belong to the transaction its
   * coordinator has open there ({@link TxnVerifier}); later ones continue that transaction. NONE,
   * or the error to answer: TRANSACTION_ABORTABLE from Produce v11 on, INVALID_TXN_STATE for older
   * clients, which do not know that error (Kafka's {@code
   * produceRequestVersionToTransactionSupportedOperation}).
   */
  private Errors verifyTransaction(
      TopicPartition tp, MemoryRecords records, String transactionalId, short version) {
    var batches = records.batches().iterator();
    if (!batches.hasNext()) {
      return Errors.NONE;
    }
    RecordBatch first = batches.next();
    if (!first.isTransactional()
        || broker.replicas().leaderPartition(tp).log().inTransaction(first.producerId())) {
      return Errors.NONE;
    }
    Errors e = txnVerifier.verify(transactionalId, first.producerId(), first.producerEpoch(), tp);
    return e == Errors.TRANSACTION_ABORTABLE && version <= 10 ? Errors.INVALID_TXN_STATE : e;
  }

  /** Completes once the ISR holds the append (see {@link ReplicationWaiter}), with its error. */
  private CompletableFuture<Void> awaitCommitted(
      TopicPartition tp,
      ReplicaManager.Appended appended,
      PartitionProduceResponse pr,
      int timeoutMs) {
    return broker
        .acksAll()
        .await(tp, appended, timeoutMs)
        .thenAccept(e -> {
          if (e.error() != Errors.NONE) {
            pr.setErrorCode(e.error().code()).setErrorMessage(e.message());
          }
        });
  }

  private Partition leader(TopicPartition tp) {
    try {
      return broker.replicas().leaderPartition(tp);
    } catch (RuntimeException notLeader) {
      return null;
    }
  }

  /** The partition's log start offset, or -1 when this broker does not lead it. */
  private long logStartOffset(TopicPartition tp) {
    Partition p = leader(tp);
    return p == null ? -1 : p.log().logStartOffset();
  }
}
