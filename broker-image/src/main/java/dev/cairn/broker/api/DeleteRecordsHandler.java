package dev.cairn.broker.api;

import dev.cairn.broker.server.BrokerContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords: moves each partition's log start offset to the given offset (-1: the high
 * watermark); whole segments below it are deleted. Answers the new low watermark, or
 * OFFSET_OUT_OF_RANGE above the high watermark.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData> {
  private final BrokerContext broker;

  public DeleteRecordsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<DeleteRecordsResponseData> handle(
      RequestContext ctx, DeleteRecordsRequestData request) {
    DeleteRecordsResponseData response = new DeleteRecordsResponseData();
    for (DeleteRecordsRequestData.DeleteRecordsTopic t : request.topics()) {
      DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
      for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
        DeleteRecordsPartitionResult pr =
            new DeleteRecordsPartitionResult()
                .setPartitionIndex(p.partitionIndex())
                .setLowWatermark(-1);
        try {
          var log =
              broker
                  .replicas()
                  .leaderPartition(new TopicPartition(t.name(), p.partitionIndex()))
                  .log();
          long offset = p.offset() == -1 ? log.highWatermark() : p.offset();
          pr.setLowWatermark(log.deleteRecordsBefore(offset));
        } catch (Exception e) {
          pr.setErrorCode(Errors.forException(e).code());
        }
        tr.partitions().add(pr);
      }
      response.topics().add(tr);
    }
    return CompletableFuture.completedFuture(response);
  }
}
