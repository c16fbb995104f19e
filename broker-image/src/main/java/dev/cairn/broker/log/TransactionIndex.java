package dev.cairn.broker.log;

import dev.cairn.broker.producer.ProducerStateManager.AbortedTxn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's {@code .txnindex}, in Kafka's format: one 34-byte entry per transaction aborted by a
 * marker in that segment — {@code int16 version (0), int64 producer id, int64 first offset, int64
 * last offset (the marker), int64 last stable offset}. The log rebuilds its aborted transactions
 * from the batches themselves on load and rewrites these files then, so a torn or stale index never
 * misleads a reader; between loads every abort marker appends its entry.
 */
final class TransactionIndex {
  static final String SUFFIX = ".txnindex";
  static final int ENTRY_SIZE = 34;
  private static final short VERSION = 0;

  private TransactionIndex() {}

  static Path file(Path dir, long baseOffset) {
    return dir.resolve(LogSegment.fileName(baseOffset, SUFFIX));
  }

  static void append(Path file, AbortedTxn t) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer b = entry(t);
      long position = ch.size() - ch.size() % ENTRY_SIZE;
      while (b.hasRemaining()) {
        position += ch.write(b, position);
      }
    }
  }

  /** Replaces the file with {@code entries}; removes it when there are none. */
  static void rewrite(Path file, List<AbortedTxn> entries) throws IOException {
    if (entries.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(entries.size() * ENTRY_SIZE);
    entries.forEach(t -> b.put(entry(t)));
    Files.write(file, b.array());
  }

  static List<AbortedTxn> read(Path file) throws IOException {
    List<AbortedTxn> result = new ArrayList<>();
    if (!Files.exists(file)) {
      return result;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    while (b.remaining() >= ENTRY_SIZE) {
      short version = b.getShort();
      if (version != VERSION) {
        throw new IOException(file + ": unknown transaction index version " + version);
      }
      result.add(new AbortedTxn(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
    }
    return result;
  }

  private static ByteBuffer entry(AbortedTxn t) {
    return ByteBuffer.allocate(ENTRY_SIZE)
        .putShort(VERSION)
        .putLong(t.producerId())
        .putLong(t.firstOffset())
        .putLong(t.lastOffset())
        .putLong(t.lastStableOffset())
        .flip();
  }
}
