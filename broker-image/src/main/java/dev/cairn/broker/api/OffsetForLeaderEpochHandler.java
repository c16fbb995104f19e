package dev.cairn.broker.api;

import dev.cairn.broker.log.LeaderEpochCache;
import dev.cairn.broker.replication.Partition;
import dev.cairn.broker.server.BrokerContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch: the end offset of the requested epoch from the log's {@link
 * LeaderEpochCache} — consumers use it to detect log truncation after a leader change. A stale or
 * future {@code currentLeaderEpoch} gets FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH.
 */
public final class OffsetForLeaderEpochHandler
    implements ApiHandler<OffsetForLeaderEpochRequestData> {
  private final BrokerContext broker;

  public OffsetForLeaderEpochHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<OffsetForLeaderEpochResponseData> handle(
      RequestContext ctx, OffsetForLeaderEpochRequestData request) {
    OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : request.topics()) {
      OffsetForLeaderTopicResult tr = new OffsetForLeaderTopicResult().setTopic(t.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
        EpochEndOffset out =
            new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
        try {
          Partition partition =
              broker.replicas().leaderPartition(new TopicPartition(t.topic(), p.partition()));
          int current = partition.leaderEpoch();
          if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() < current) {
            out.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
          } else if (p.currentLeaderEpoch() > current) {
            out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
          } else {
            LeaderEpochCache.EpochEnd end = partition.log().endOffsetForEpoch(p.leaderEpoch());
            out.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
          }
        } catch (Exception e) {
          out.setErrorCode(Errors.forException(e).code());
        }
        tr.partitions().add(out);
      }
      response.topics().add(tr);
    }
    return CompletableFuture.completedFuture(response);
  }
}
