package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cairn.broker.config.BrokerConfig;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSegmentTest {
  @TempDir Path dir;

  @Test
  void aBatchCutShortUnderneathEndsTheSearchInsteadOfSpinning() throws Exception {
    LogConfig config = LogConfig.of(BrokerConfig.of(Map.of()), Map.of());
    LogSegment segment = LogSegment.create(dir, 0, config, 0, FileSync.FORCE);
    segment.append(
        MemoryRecords.withRecords(
                Compression.NONE,
                new SimpleRecord(5_000, "k".getBytes(), "a value long enough".getBytes()))
            .buffer());
    try (FileChannel other = FileChannel.open(segment.file(), StandardOpenOption.WRITE)) {
      other.truncate(BatchHeader.SIZE + 4);
    }
    assertThat(
            assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> segment.findOffsetByTimestamp(5_000, 0)))
        .isEmpty();
    segment.close();
  }
}
