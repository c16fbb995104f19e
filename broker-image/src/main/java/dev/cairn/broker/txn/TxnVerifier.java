package dev.cairn.broker.txn;

import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.replication.BrokerLink;
import dev.cairn.broker.server.ReplicaManager;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce-side transaction verification (KIP-890 part 1, Kafka's {@code
 * transaction.partition.verification.enable}): before a producer's first transactional batch in a
 * partition, the partition leader asks the transactional id's coordinator whether the partition is
 * in the open transaction (AddPartitionsToTxn v4 verifyOnly, or a direct call when this broker is
 * the coordinator). A batch the coordinator does not know of — a late retry of a transaction that
 * was already ended — would otherwise open a transaction nobody ever ends and block read_committed
 * consumers; the coordinator answers TRANSACTION_ABORTABLE, as Kafka's does.
 */
public final class TxnVerifier {
  private static final Logger log = LoggerFactory.getLogger(TxnVerifier.class);
  private static final short VERIFY_VERSION = 4;

  private final ReplicaManager replicas;
  private final TransactionCoordinator coordinator;
  private final int timeoutMs;

  public TxnVerifier(ReplicaManager replicas, TransactionCoordinator coordinator, int timeoutMs) {
    this.replicas = replicas;
    this.coordinator = coordinator;
    this.timeoutMs = timeoutMs;
  }

  /**
   * NONE if {@code tp} is in the open transaction of {@code transactionalId} with this producer id
   * and epoch; otherwise the error for the producer, mapped as Kafka maps it: PRODUCER_FENCED is
   * INVALID_PRODUCER_EPOCH, an unreachable or moving coordinator, or one still ending the previous
   * transaction, NOT_ENOUGH_REPLICAS (retriable).
   */
  public Errors verify(String transactionalId, long producerId, short epoch, TopicPartition tp) {
    if (transactionalId == null || transactionalId.isEmpty()) {
      return Errors.INVALID_TXN_STATE;
    }
    MetadataImage image = replicas.image();
    MetadataImage.PartitionImage p =
        image.partition(
            new TopicPartition(
                Topic.TRANSACTION_STATE_TOPIC_NAME, coordinator.partitionFor(transactionalId)));
    Errors e;
    if (p == null || p.state() == null || p.state().leader() < 0) {
      e = Errors.COORDINATOR_NOT_AVAILABLE;
    } else if (p.state().leader() == replicas.brokerId()) {
      e = coordinator.verifyPartitions(transactionalId, producerId, epoch, List.of(tp));
    } else {
      e =
          verifyRemote(
              image.brokers().get(p.state().leader()), transactionalId, producerId, epoch, tp);
    }
    return switch (e) {
      case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
      case NOT_COORDINATOR,
          COORDINATOR_NOT_AVAILABLE,
          COORDINATOR_LOAD_IN_PROGRESS,
          CONCURRENT_TRANSACTIONS,
          NETWORK_EXCEPTION,
          REQUEST_TIMED_OUT ->
          Errors.NOT_ENOUGH_REPLICAS;
      default -> e;
    };
  }

  private Errors verifyRemote(
      BrokerInfo broker, String transactionalId, long producerId, short epoch, TopicPartition tp) {
    if (broker == null) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
    topics.add(
        new AddPartitionsToTxnTopic().setName(tp.topic()).setPartitions(List.of(tp.partition())));
    AddPartitionsToTxnTransactionCollection txns = new AddPartitionsToTxnTransactionCollection();
    txns.add(
        new AddPartitionsToTxnTransaction()
            .setTransactionalId(transactionalId)
            .setProducerId(producerId)
            .setProducerEpoch(epoch)
            .setVerifyOnly(true)
            .setTopics(topics));
    try (BrokerLink link =
        new BrokerLink(
            new InetSocketAddress(broker.host(), broker.port()),
            null,
            "txn-verifier-" + replicas.brokerId(),
            timeoutMs)) {
      AddPartitionsToTxnResponseData response =
          ((AddPartitionsToTxnResponse)
                  link.send(
                      ApiKeys.ADD_PARTITIONS_TO_TXN,
                      VERIFY_VERSION,
                      new AddPartitionsToTxnRequestData().setTransactions(txns)))
              .data();
      if (response.errorCode() != Errors.NONE.code()) {
        return Errors.forCode(response.errorCode());
      }
      for (AddPartitionsToTxnResponseData.AddPartitionsToTxnResult r :
          response.resultsByTransaction()) {
        for (AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult t : r.topicResults()) {
          for (AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult pr :
              t.resultsByPartition()) {
            return Errors.forCode(pr.partitionErrorCode());
          }
        }
      }
      return Errors.UNKNOWN_SERVER_ERROR;
    } catch (Exception e) {
      log.warn(
          "verifying {} in the transaction of {} with broker {} failed: {}",
          tp,
          transactionalId,
          broker.id(),
          e.toString());
      return Errors.NETWORK_EXCEPTION;
    }
  }
}
