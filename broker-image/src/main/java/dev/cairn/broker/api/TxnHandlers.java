package dev.cairn.broker.api;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.txn.TransactionCoordinator;
import dev.cairn.broker.txn.TxnMarkerWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction APIs: AddPartitionsToTxn (v0-3 one transaction, v4+ batched), AddOffsetsToTxn,
 * TxnOffsetCommit and EndTxn go to the {@link TransactionCoordinator} (TxnOffsetCommit to the group
 * coordinator); WriteTxnMarkers is how another broker's transaction coordinator has this broker
 * write markers to the partitions it leads.
 */
public final class TxnHandlers {
  private final TransactionCoordinator txns;
  private final GroupCoordinator groups;
  private final ReplicaManager replicas;
  private final TxnMarkerWriter markers;
  private final Executor coordinatorThreads;

  /**
   * @param coordinatorThreads where the coordinator's calls run (they wait for replication)
   */
  public TxnHandlers(
      TransactionCoordinator txns,
      GroupCoordinator groups,
      ReplicaManager replicas,
      TxnMarkerWriter markers,
      Executor coordinatorThreads) {
    this.txns = txns;
    this.groups = groups;
    this.replicas = replicas;
    this.markers = markers;
    this.coordinatorThreads = coordinatorThreads;
  }

  public ApiHandler<AddPartitionsToTxnRequestData> addPartitions() {
    return (ctx, r) ->
        CompletableFuture.supplyAsync(() -> addPartitions(ctx, r), coordinatorThreads);
  }

  private AddPartitionsToTxnResponseData addPartitions(
      RequestContext ctx, AddPartitionsToTxnRequestData r) {
    AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
    if (ctx.version() < 4) {
      response.setResultsByTopicV3AndBelow(
          addPartitions(
              r.v3AndBelowTransactionalId(),
              r.v3AndBelowProducerId(),
              r.v3AndBelowProducerEpoch(),
              r.v3AndBelowTopics(),
              false));
    } else {
      for (AddPartitionsToTxnTransaction t : r.transactions()) {
        response
            .resultsByTransaction()
            .add(
                new AddPartitionsToTxnResult()
                    .setTransactionalId(t.transactionalId())
                    .setTopicResults(
                        addPartitions(
                            t.transactionalId(),
                            t.producerId(),
                            t.producerEpoch(),
                            t.topics(),
                            t.verifyOnly())));
      }
    }
    return response;
  }

  /**
   * One transaction's partitions: unknown ones fail with UNKNOWN_TOPIC_OR_PARTITION and the rest
   * with OPERATION_NOT_ATTEMPTED, as Kafka answers; otherwise all share the coordinator's answer.
   * Verification (v4+ verifyOnly, asked by brokers) is answered from the partitions recorded.
   */
  private AddPartitionsToTxnTopicResultCollection addPartitions(
      String transactionalId,
      long producerId,
      short epoch,
      AddPartitionsToTxnTopicCollection topics,
      boolean verifyOnly) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (AddPartitionsToTxnTopic t : topics) {
      for (int p : t.partitions()) {
        partitions.add(new TopicPartition(t.name(), p));
      }
    }
    MetadataImage image = replicas.image();
    Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
    boolean unknown = false;
    for (TopicPartition tp : partitions) {
      if (image.partition(tp) == null) {
        errors.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        unknown = true;
      }
    }
    if (unknown) {
      partitions.forEach(tp -> errors.putIfAbsent(tp, Errors.OPERATION_NOT_ATTEMPTED));
    } else {
      Errors e =
          verifyOnly
              ? txns.verifyPartitions(transactionalId, producerId, epoch, partitions)
              : txns.addPartitions(transactionalId, producerId, epoch, partitions);
      partitions.forEach(tp -> errors.put(tp, e));
    }
    AddPartitionsToTxnTopicResultCollection result = new AddPartitionsToTxnTopicResultCollection();
    errors.forEach((tp, e) -> {
      AddPartitionsToTxnTopicResult t = result.find(tp.topic());
      if (t == null) {
        t = new AddPartitionsToTxnTopicResult().setName(tp.topic());
        result.add(t);
      }
      t.resultsByPartition()
          .add(
              new AddPartitionsToTxnPartitionResult()
                  .setPartitionIndex(tp.partition())
                  .setPartitionErrorCode(e.code()));
    });
    return result;
  }

  public ApiHandler<AddOffsetsToTxnRequestData> addOffsets() {
    return (ctx, r) ->
        CompletableFuture.supplyAsync(
            () -> {
              Errors e =
                  r.groupId() == null || r.groupId().isEmpty()
                      ? Errors.INVALID_GROUP_ID
                      : txns.addPartitions(
                          r.transactionalId(),
                          r.producerId(),
                          r.producerEpoch(),
                          List.of(
                              new TopicPartition(
                                  Topic.GROUP_METADATA_TOPIC_NAME,
                                  groups.partitionFor(r.groupId()))));
              return new AddOffsetsToTxnResponseData().setErrorCode(e.code());
            },
            coordinatorThreads);
  }

  public ApiHandler<TxnOffsetCommitRequestData> offsetCommit() {
    return (ctx, r) -> {
      List<GroupCoordinator.Commit> commits = new ArrayList<>();
      Map<TopicPartition, Errors> result = new LinkedHashMap<>();
      MetadataImage image = replicas.image();
      for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : r.topics()) {
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
          TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
          if (image.topic(t.name()) == null) {
            result.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            continue;
          }
          commits.add(
              new GroupCoordinator.Commit(
                  tp, p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
        }
      }
      CompletableFuture<Map<TopicPartition, Errors>> written =
          commits.isEmpty()
              ? CompletableFuture.completedFuture(Map.of())
              : groups.commitTransactional(
                  r.groupId(),
                  r.producerId(),
                  r.producerEpoch(),
                  r.memberId(),
                  r.groupInstanceId(),
                  r.generationId(),
                  commits);
      return written.thenApply(w -> {
        result.putAll(w);
        Map<String, TxnOffsetCommitResponseTopic> topics = new LinkedHashMap<>();
        result.forEach((tp, e) ->
            topics
                .computeIfAbsent(tp.topic(), n -> new TxnOffsetCommitResponseTopic().setName(n))
                .partitions()
                .add(
                    new TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(tp.partition())
                        .setErrorCode(e.code())));
        return new TxnOffsetCommitResponseData().setTopics(new ArrayList<>(topics.values()));
      });
    };
  }

  public ApiHandler<EndTxnRequestData> end() {
    return (ctx, r) ->
        CompletableFuture.supplyAsync(
            () ->
                new EndTxnResponseData()
                    .setErrorCode(
                        txns.endTransaction(
                                r.transactionalId(),
                                r.producerId(),
                                r.producerEpoch(),
                                r.committed())
                            .code()),
            coordinatorThreads);
  }

  /**
   * WriteTxnMarkers: answered once every marker is replicated to its partition's ISR, or failed.
   */
  public ApiHandler<WriteTxnMarkersRequestData> writeMarkers() {
    return (ctx, r) -> {
      WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
      List<CompletableFuture<Void>> written = new ArrayList<>();
      for (WriteTxnMarkersRequestData.WritableTxnMarker m : r.markers()) {
        TxnMarkerWriter.Marker marker =
            new TxnMarkerWriter.Marker(
                m.producerId(), m.producerEpoch(), m.transactionResult(), m.coordinatorEpoch());
        WriteTxnMarkersResponseData.WritableTxnMarkerResult result =
            new WriteTxnMarkersResponseData.WritableTxnMarkerResult().setProducerId(m.producerId());
        for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic t : m.topics()) {
          WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult tr =
              new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(t.name());
          for (int p : t.partitionIndexes()) {
            WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult pr =
                new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                    .setPartitionIndex(p);
            tr.partitions().add(pr);
            written.add(
                markers
                    .writeLocal(marker, new TopicPartition(t.name(), p))
                    .thenAccept(e -> pr.setErrorCode(e.code())));
          }
          result.topics().add(tr);
        }
        response.markers().add(result);
      }
      return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
          .thenApply(v -> response);
    };
  }
}
