package dev.cairn.broker.api;

import dev.cairn.broker.log.LogManager;
import dev.cairn.broker.log.UnifiedLog;
import dev.cairn.broker.server.BrokerContext;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs ({@code kafka-log-dirs.sh --describe}, {@code Admin.describeLogDirs}): each log
 * dir of this broker with the size of each partition's log, its lag behind the high watermark, and
 * the file system's total and usable bytes; a failed dir answers KAFKA_STORAGE_ERROR.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData> {
  private final BrokerContext broker;

  public DescribeLogDirsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public CompletableFuture<DescribeLogDirsResponseData> handle(
      RequestContext ctx, DescribeLogDirsRequestData request) {
    LogManager logs = broker.replicas().logs();
    DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
    for (Path dir : logs.dirs()) {
      DescribeLogDirsResult result =
          new DescribeLogDirsResult().setLogDir(dir.toAbsolutePath().toString());
      if (!logs.onlineDirs().contains(dir)) {
        response.results().add(result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()));
        continue;
      }
      try {
        FileStore store = Files.getFileStore(dir);
        result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
      } catch (IOException e) {
        result.setTotalBytes(-1).setUsableBytes(-1);
      }
      Map<String, DescribeLogDirsTopic> topics = new LinkedHashMap<>();
      for (UnifiedLog l : logs.all()) {
        if (!l.dir().getParent().equals(dir) || !requested(request, l)) {
          continue;
        }
        topics
            .computeIfAbsent(l.topicPartition().topic(), t -> new DescribeLogDirsTopic().setName(t))
            .partitions()
            .add(
                new DescribeLogDirsPartition()
                    .setPartitionIndex(l.topicPartition().partition())
                    .setPartitionSize(l.size())
                    .setOffsetLag(Math.max(0, l.highWatermark() - l.logEndOffset()))
                    .setIsFutureKey(false));
      }
      result.topics().addAll(topics.values());
      response.results().add(result.setErrorCode(Errors.NONE.code()));
    }
    return CompletableFuture.completedFuture(response);
  }

  private static boolean requested(DescribeLogDirsRequestData request, UnifiedLog l) {
    if (request.topics() == null) {
      return true;
    }
    for (DescribeLogDirsRequestData.DescribableLogDirTopic t : request.topics()) {
      if (t.topic().equals(l.topicPartition().topic())
          && t.partitions().contains(l.topicPartition().partition())) {
        return true;
      }
    }
    return false;
  }
}
