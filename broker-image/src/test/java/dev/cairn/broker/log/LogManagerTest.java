package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.config.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
  @TempDir Path dir;

  @Test
  void newPartitionsGoToTheLogDirWithFewestPartitions() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Files.createDirectories(a.resolve("old-0"));
    Files.createDirectories(a.resolve("old-1"));
    LogConfig cfg = LogConfig.of(BrokerConfig.of(Map.of()), Map.of());
    LogManager logs =
        new LogManager(List.of(a, b), t -> cfg, System::currentTimeMillis, FileSync.FORCE);
    logs.loadAll();
    logs.getOrCreate(new TopicPartition("n", 0));
    logs.getOrCreate(new TopicPartition("n", 1));
    assertThat(b.resolve("n-0")).isDirectory();
    assertThat(b.resolve("n-1")).isDirectory();
    logs.getOrCreate(new TopicPartition("n", 2));
    assertThat(a.resolve("n-2")).isDirectory();
    logs.close();
    assertThat(a.resolve(LogManager.CLEAN_SHUTDOWN)).exists();
  }
}
