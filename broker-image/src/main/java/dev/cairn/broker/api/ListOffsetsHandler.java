package dev.cairn.broker.api;

import dev.cairn.broker.log.LogSegment.TimestampOffset;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.server.BrokerContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * ListOffsets: EARLIEST (-2, and EARLIEST_LOCAL -4: all data is local) is the log start offset;
 * LATEST (-1) the high watermark, or for isolation level READ_COMMITTED the last stable offset;
 * MAX_TIMESTAMP (-3) the record with the largest timestamp; any other value the first record whose
 * timestamp is at least it, or offset -1 when none is.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
  private final BrokerContext broker;

  public ListOffsetsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<ListOffsetsResponseData> handle(
      RequestContext ctx, ListOffsetsRequestData request) {
    ListOffsetsResponseData response = new ListOffsetsResponseData();
    for (ListOffsetsRequestData.ListOffsetsTopic t : request.topics()) {
      ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(t.name());
      for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
        tr.partitions()
            .add(
                answer(
                    new TopicPartition(t.name(), p.partitionIndex()),
                    p,
                    ctx.version(),
                    request.isolationLevel() == 1));
      }
      response.topics().add(tr);
    }
    return CompletableFuture.completedFuture(response);
  }

  private ListOffsetsPartitionResponse answer(
      TopicPartition tp,
      ListOffsetsRequestData.ListOffsetsPartition p,
      short version,
      boolean readCommitted) {
    ListOffsetsPartitionResponse r =
        new ListOffsetsPartitionResponse()
            .setPartitionIndex(tp.partition())
            .setTimestamp(-1)
            .setOffset(-1);
    try {
      Partition partition = broker.replicas().leaderPartition(tp);
      int epoch = partition.leaderEpoch();
      if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() != epoch) {
        throw p.currentLeaderEpoch() > epoch
            ? new UnknownLeaderEpochException("unknown leader epoch " + p.currentLeaderEpoch())
            : new FencedLeaderEpochException("fenced leader epoch " + p.currentLeaderEpoch());
      }
      UnifiedLog log = partition.log();
      long ts = p.timestamp();
      if (version >= 4) {
        r.setLeaderEpoch(epoch);
      }
      if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP
          || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
        r.setOffset(log.logStartOffset());
      } else if (ts == ListOffsetsRequest.LATEST_TIMESTAMP) {
        r.setOffset(readCommitted ? log.lastStableOffset() : log.highWatermark());
      } else {
        Optional<TimestampOffset> found =
            ts == ListOffsetsRequest.MAX_TIMESTAMP
                ? log.maxTimestampOffset()
                : log.offsetForTimestamp(ts);
        if (found.isPresent()) {
          r.setTimestamp(found.get().timestamp()).setOffset(found.get().offset());
        } else {
          // No record matches: Kafka answers offset -1 without a leader epoch.
          r.setLeaderEpoch(-1);
        }
      }
    } catch (Exception e) {
      r.setErrorCode(Errors.forException(e).code());
    }
    return r;
  }
}
