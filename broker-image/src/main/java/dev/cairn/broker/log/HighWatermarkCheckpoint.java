package dev.cairn.broker.log;

import dev.cairn.common.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A log dir's {@code replication-offset-checkpoint}, in Kafka's format (version 0, the count, then
 * {@code topic partition offset} lines): the high watermarks a restarted broker starts from, so it
 * never shows consumers more than was committed before it stopped. Written atomically.
 */
public final class HighWatermarkCheckpoint {
  static final String FILE = "replication-offset-checkpoint";

  private HighWatermarkCheckpoint() {}

  public static Map<TopicPartition, Long> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    Map<TopicPartition, Long> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
      throw new IOException(file + ": not a version 0 offset checkpoint");
    }
    int count = Integer.parseInt(lines.get(1).trim());
    if (lines.size() < 2 + count) {
      throw new IOException(file + ": names " + count + " entries but holds " + (lines.size() - 2));
    }
    for (String line : lines.subList(2, 2 + count)) {
      String[] f = line.trim().split(" ");
      if (f.length != 3) {
        throw new IOException(file + ": malformed entry '" + line + "'");
      }
      out.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
    }
    return out;
  }

  public static void write(Path dir, Map<TopicPartition, Long> offsets) throws IOException {
    StringBuilder out = new StringBuilder("0\n").append(offsets.size()).append('\n');
    offsets.forEach((tp, offset) ->
        out.append(tp.topic())
            .append(' ')
            .append(tp.partition())
            .append(' ')
            .append(offset)
            .append('\n'));
    AtomicFile.write(dir.resolve(FILE), out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
