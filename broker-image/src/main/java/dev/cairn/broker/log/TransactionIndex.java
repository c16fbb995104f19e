package dev.cairn.broker.log;

import dev.cairn.broker.producer.ProducerStateManager.AbortedTxn;
import dev.cairn.common.io.AtomicFile;
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
 * last offset (the marker), int64 last stable offset}. Every abort marker appends its entry; the
 * file is fsynced when its segment rolls, before the producer snapshot at the next segment's base
 * is written. Loading reads the files of the segments a producer snapshot covers and rebuilds (and
 * rewrites) the others from their batches, so a torn or stale entry past the snapshot never
 * misleads a reader.
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

  /**
   * Replaces the file with {@code entries} atomically (a producer snapshot written next may cover
   * it, and the load then trusts it); removes it when there are none.
   */
  static void rewrite(Path file, List<AbortedTxn> entries) throws IOException {
    if (entries.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(entries.size() * ENTRY_SIZE);
    entries.forEach(t -> b.put(entry(t)));
    AtomicFile.write(file, b.array());
  }

  /** fsyncs the file if it exists (its segment is rolled: entries are appended no more). */
  static void flush(Path file) throws IOException {
    if (Files.exists(file)) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  /**
   * The entries of the file (none if it does not exist); a torn last entry is ignored, an entry
   * that cannot be one is {@link CorruptIndexException}.
   */
  static List<AbortedTxn> read(Path file) throws IOException {
    List<AbortedTxn> result = new ArrayList<>();
    if (!Files.exists(file)) {
      return result;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    while (b.remaining() >= ENTRY_SIZE) {
      short version = b.getShort();
      if (version != VERSION) {
        throw new CorruptIndexException(file + ": unknown transaction index version " + version);
      }
      AbortedTxn t = new AbortedTxn(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      if (t.firstOffset() < 0 || t.lastOffset() < t.firstOffset()) {
        throw new CorruptIndexException(file + ": impossible entry " + t);
      }
      result.add(t);
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
