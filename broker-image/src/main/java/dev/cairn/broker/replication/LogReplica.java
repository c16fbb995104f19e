package dev.cairn.broker.replication;

import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import dev.cairn.broker.log.UnifiedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.record.MemoryRecords;

/** A broker's {@link UnifiedLog} as the replication state machines see it. */
public record LogReplica(UnifiedLog log) implements ReplicaLog<MemoryRecords> {
  @Override
  public long logStartOffset() {
    return log.logStartOffset();
  }

  @Override
  public long logEndOffset() {
    return log.logEndOffset();
  }

  @Override
  public long highWatermark() {
    return log.highWatermark();
  }

  @Override
  public void updateHighWatermark(long offset) {
    try {
      log.updateHighWatermark(offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public EpochEnd endOffsetForEpoch(int epoch) {
    return log.endOffsetForEpoch(epoch);
  }

  @Override
  public int latestEpoch() {
    return log.latestEpoch();
  }

  @Override
  public void appendAsFollower(MemoryRecords batches) {
    try {
      log.appendAsFollower(batches);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void truncateFullyAndStartAt(long offset) {
    try {
      log.truncateFullyAndStartAt(offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void truncateTo(long offset) {
    try {
      log.truncateTo(offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
