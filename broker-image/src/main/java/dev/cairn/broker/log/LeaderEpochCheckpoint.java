package dev.cairn.broker.log;

import dev.cairn.common.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partition's {@code leader-epoch-checkpoint}, in Kafka's format: version {@code 0}, the number
 * of entries, then one {@code <epoch> <start offset>} line per epoch, ascending. Written atomically
 * whenever an epoch is added or truncated away, so loading a log needs no scan of its batches to
 * know its epochs; entries at or past the log end (their batches lost in a crash) are dropped on
 * load.
 */
final class LeaderEpochCheckpoint {
  static final String FILE = "leader-epoch-checkpoint";

  private LeaderEpochCheckpoint() {}

  static void write(Path dir, Map<Integer, Long> epochs) throws IOException {
    StringBuilder sb = new StringBuilder("0\n").append(epochs.size()).append('\n');
    epochs.forEach((epoch, start) -> sb.append(epoch).append(' ').append(start).append('\n'));
    AtomicFile.write(dir.resolve(FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The epochs in the file, or null when it is missing or does not follow the format (the caller
   * then rebuilds them from the log).
   */
  static Map<Integer, Long> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    try {
      if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
        return null;
      }
      int count = Integer.parseInt(lines.get(1).trim());
      if (count != lines.size() - 2) {
        return null;
      }
      TreeMap<Integer, Long> epochs = new TreeMap<>();
      long previousStart = -1;
      for (String line : lines.subList(2, lines.size())) {
        String[] parts = line.trim().split(" ");
        if (parts.length != 2) {
          return null;
        }
        int epoch = Integer.parseInt(parts[0]);
        long start = Long.parseLong(parts[1]);
        if (epoch < 0
            || start < previousStart
            || (!epochs.isEmpty() && epoch <= epochs.lastKey())) {
          return null;
        }
        epochs.put(epoch, start);
        previousStart = start;
      }
      return epochs;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
