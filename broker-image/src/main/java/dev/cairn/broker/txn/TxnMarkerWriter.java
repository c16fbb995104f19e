package dev.cairn.broker.txn;

import dev.cairn.broker.group.GroupCoordinator;
import dev.cairn.broker.metadata.BrokerInfo;
import dev.cairn.broker.metadata.MetadataImage;
import dev.cairn.broker.replication.BrokerLink;
import dev.cairn.broker.server.ReplicaManager;
import dev.cairn.broker.server.ReplicationWaiter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a transaction's commit or abort markers (control batches, Kafka's format: key {@code
 * version 0, type}, value {@code version 0, coordinator epoch}) to every partition of the
 * transaction: through the replica manager for partitions this broker leads, with a WriteTxnMarkers
 * request to the leader for the others. A marker in {@code __consumer_offsets} also tells the group
 * coordinator to apply or drop the transaction's offsets.
 *
 * <p>A marker counts as written only once every in-sync replica holds it (acks=all, as Kafka
 * appends markers): the coordinator completes a transaction only after that, so no leader elected
 * later can lack a marker of a completed transaction. The local wait is bounded by half the link
 * timeout, so a leader's answer reaches a remote coordinator before its request times out.
 */
public final class TxnMarkerWriter {
  private static final Logger log = LoggerFactory.getLogger(TxnMarkerWriter.class);
  private static final short WRITE_TXN_MARKERS_VERSION = 1;

  private final ReplicaManager replicas;
  private final GroupCoordinator groups;
  private final LongSupplier clock;
  private final ReplicationWaiter acksAll;
  private final int timeoutMs;

  public TxnMarkerWriter(
      ReplicaManager replicas,
      ReplicationWaiter acksAll,
      GroupCoordinator groups,
      LongSupplier clock,
      int timeoutMs) {
    this.replicas = replicas;
    this.acksAll = acksAll;
    this.groups = groups;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** The marker of one transaction. */
  public record Marker(long producerId, short epoch, boolean commit, int coordinatorEpoch) {}

  /**
   * Writes {@code marker} to each partition and waits until each is replicated or failed; returns
   * the error per partition (NONE when written). Partitions whose topic no longer exists answer
   * UNKNOWN_TOPIC_OR_PARTITION, which the coordinator treats as done (there is nothing left to
   * mark). Blocks: the coordinator calls it on its own threads, never on a request thread.
   */
  public Map<TopicPartition, Errors> write(Marker marker, Collection<TopicPartition> partitions) {
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    Map<TopicPartition, CompletableFuture<Errors>> local = new LinkedHashMap<>();
    MetadataImage image = replicas.image();
    Map<Integer, List<TopicPartition>> remote = new HashMap<>();
    for (TopicPartition tp : partitions) {
      MetadataImage.PartitionImage p = image.partition(tp);
      if (p == null) {
        result.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
      } else if (p.state() == null || p.state().leader() < 0) {
        result.put(tp, Errors.LEADER_NOT_AVAILABLE);
      } else if (p.state().leader() == replicas.brokerId()) {
        local.put(tp, writeLocal(marker, tp));
      } else {
        remote.computeIfAbsent(p.state().leader(), b -> new ArrayList<>()).add(tp);
      }
    }
    for (Map.Entry<Integer, List<TopicPartition>> e : remote.entrySet()) {
      result.putAll(writeRemote(image.brokers().get(e.getKey()), marker, e.getValue()));
    }
    local.forEach((tp, f) -> {
      try {
        result.put(tp, f.get(timeoutMs, TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.put(tp, Errors.REQUEST_TIMED_OUT);
      } catch (ExecutionException | TimeoutException e) {
        result.put(tp, Errors.REQUEST_TIMED_OUT);
      }
    });
    return result;
  }

  /**
   * Appends the marker to a partition this broker leads; completes once the ISR holds it, with NONE
   * or the error.
   */
  public CompletableFuture<Errors> writeLocal(Marker marker, TopicPartition tp) {
    ReplicaManager.Appended appended;
    try {
      appended =
          replicas.appendAsCoordinator(
              tp,
              MemoryRecords.withEndTransactionMarker(
                  0L,
                  clock.getAsLong(),
                  RecordBatch.NO_PARTITION_LEADER_EPOCH,
                  marker.producerId(),
                  marker.epoch(),
                  new EndTransactionMarker(
                      marker.commit() ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                      marker.coordinatorEpoch())));
      if (tp.topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
        groups.completeTransaction(tp.partition(), marker.producerId(), marker.commit());
      }
    } catch (Exception e) {
      log.warn("{}: writing transaction marker failed: {}", tp, e.toString());
      return CompletableFuture.completedFuture(Errors.forException(e));
    }
    return acksAll.await(tp, appended, timeoutMs / 2).thenApply(ApiError::error);
  }

  private Map<TopicPartition, Errors> writeRemote(
      BrokerInfo broker, Marker marker, List<TopicPartition> partitions) {
    Map<TopicPartition, Errors> result = new LinkedHashMap<>();
    if (broker == null) {
      partitions.forEach(tp -> result.put(tp, Errors.LEADER_NOT_AVAILABLE));
      return result;
    }
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
    }
    WriteTxnMarkersRequestData.WritableTxnMarker m =
        new WriteTxnMarkersRequestData.WritableTxnMarker()
            .setProducerId(marker.producerId())
            .setProducerEpoch(marker.epoch())
            .setTransactionResult(marker.commit())
            .setCoordinatorEpoch(marker.coordinatorEpoch());
    byTopic.forEach((topic, ids) ->
        m.topics()
            .add(
                new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                    .setName(topic)
                    .setPartitionIndexes(ids)));
    try (BrokerLink link =
        new BrokerLink(
            new InetSocketAddress(broker.host(), broker.port()),
            null,
            "txn-coordinator-" + replicas.brokerId(),
            timeoutMs)) {
      WriteTxnMarkersResponseData response =
          ((WriteTxnMarkersResponse)
                  link.send(
                      ApiKeys.WRITE_TXN_MARKERS,
                      WRITE_TXN_MARKERS_VERSION,
                      new WriteTxnMarkersRequestData().setMarkers(List.of(m))))
              .data();
      for (WriteTxnMarkersResponseData.WritableTxnMarkerResult r : response.markers()) {
        for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult t : r.topics()) {
          for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : t.partitions()) {
            result.put(
                new TopicPartition(t.name(), p.partitionIndex()), Errors.forCode(p.errorCode()));
          }
        }
      }
    } catch (Exception e) {
      log.warn("sending transaction markers to broker {} failed: {}", broker.id(), e.toString());
    }
    for (TopicPartition tp : partitions) {
      result.putIfAbsent(tp, Errors.NETWORK_EXCEPTION);
    }
    return result;
  }
}
