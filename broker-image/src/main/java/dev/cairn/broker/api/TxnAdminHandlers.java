package dev.cairn.broker.api;

import dev.cairn.broker.producer.ProducerStateManager.ProducerSnapshot;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.txn.TransactionCoordinator;
import dev.cairn.broker.txn.TxnState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction admin APIs behind {@code kafka-transactions.sh} and Admin's {@code
 * listTransactions}, {@code describeTransactions}, {@code describeProducers}: ListTransactions
 * (sent to every broker; each lists the ids it coordinates), DescribeTransactions (sent to an id's
 * coordinator) and DescribeProducers (sent to a partition's leader; its producer state).
 */
public final class TxnAdminHandlers {
  private final TransactionCoordinator txns;
  private final ReplicaManager replicas;

  public TxnAdminHandlers(TransactionCoordinator txns, ReplicaManager replicas) {
    this.txns = txns;
    this.replicas = replicas;
  }

  /** ListTransactions v0-2: state and producer id filters, v1 duration, v2 id pattern. */
  public ApiHandler<ListTransactionsRequestData> list() {
    return (ctx, r) -> {
      ListTransactionsResponseData response = new ListTransactionsResponseData();
      Set<TxnState> states = new HashSet<>();
      for (String name : r.stateFilters()) {
        TxnState s = TxnState.byKafkaName(name);
        if (s == null) {
          response.unknownStateFilters().add(name);
        } else {
          states.add(s);
        }
      }
      if (!r.stateFilters().isEmpty() && states.isEmpty()) {
        // Only unknown states asked for: nothing can match (Kafka answers the same).
        return CompletableFuture.completedFuture(response);
      }
      Pattern pattern = null;
      String regex = r.transactionalIdPattern();
      if (regex != null && !regex.isEmpty()) {
        try {
          pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          return CompletableFuture.completedFuture(
              response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
      }
      for (TransactionCoordinator.Listing l :
          txns.listTransactions(
              states, new HashSet<>(r.producerIdFilters()), r.durationFilter(), pattern)) {
        response
            .transactionStates()
            .add(
                new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(l.transactionalId())
                    .setProducerId(l.producerId())
                    .setTransactionState(l.state().kafkaName()));
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  public ApiHandler<DescribeTransactionsRequestData> describe() {
    return (ctx, r) -> {
      DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
      for (String id : r.transactionalIds()) {
        TransactionCoordinator.Description d = txns.describe(id);
        DescribeTransactionsResponseData.TransactionState s =
            new DescribeTransactionsResponseData.TransactionState()
                .setTransactionalId(id)
                .setErrorCode(d.error().code());
        if (d.error() == Errors.NONE) {
          s.setTransactionState(d.state().kafkaName())
              .setTransactionTimeoutMs(d.timeoutMs())
              .setTransactionStartTimeMs(d.startMs())
              .setProducerId(d.producerId())
              .setProducerEpoch(d.epoch());
          for (TopicPartition tp : d.partitions()) {
            DescribeTransactionsResponseData.TopicData t = s.topics().find(tp.topic());
            if (t == null) {
              t = new DescribeTransactionsResponseData.TopicData().setTopic(tp.topic());
              s.topics().add(t);
            }
            t.partitions().add(tp.partition());
          }
        } else {
          s.setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1);
        }
        response.transactionStates().add(s);
      }
      return CompletableFuture.completedFuture(response);
    };
  }

  /** DescribeProducers: the producers of each partition this broker leads, else its error. */
  public ApiHandler<DescribeProducersRequestData> describeProducers() {
    return (ctx, r) -> {
      DescribeProducersResponseData response = new DescribeProducersResponseData();
      for (DescribeProducersRequestData.TopicRequest t : r.topics()) {
        DescribeProducersResponseData.TopicResponse tr =
            new DescribeProducersResponseData.TopicResponse().setName(t.name());
        for (int p : t.partitionIndexes()) {
          DescribeProducersResponseData.PartitionResponse pr =
              new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(p);
          try {
            List<DescribeProducersResponseData.ProducerState> active = new ArrayList<>();
            for (ProducerSnapshot s :
                replicas.leaderPartition(new TopicPartition(t.name(), p)).log().producers()) {
              active.add(
                  new DescribeProducersResponseData.ProducerState()
                      .setProducerId(s.producerId())
                      .setProducerEpoch(s.epoch())
                      .setLastSequence(s.lastSequence())
                      .setLastTimestamp(s.lastTimestamp())
                      .setCoordinatorEpoch(s.coordinatorEpoch())
                      .setCurrentTxnStartOffset(s.txnFirstOffset()));
            }
            pr.setActiveProducers(active);
          } catch (RuntimeException e) {
            Errors err = Errors.forException(e);
            pr.setErrorCode(err.code()).setErrorMessage(e.getMessage());
          }
          tr.partitions().add(pr);
        }
        response.topics().add(tr);
      }
      return CompletableFuture.completedFuture(response);
    };
  }
}
