package dev.cairn.broker.log;

import dev.cairn.broker.producer.ProducerStateManager.BatchMetadata;
import dev.cairn.broker.producer.ProducerStateManager.ProducerEntry;
import dev.cairn.common.io.AtomicFile;
import dev.cairn.common.io.Crc32c;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A partition's producer state at one offset, in {@code <offset, 20 digits>.snapshot} (Kafka's
 * name): the state after every batch below that offset, so loading the log restores it and replays
 * only the batches from that offset on instead of every batch header of every segment.
 *
 * <p>Layout (big-endian; Kafka's header, Cairn's entries): {@code int16 version (1), uint32 CRC32C
 * of every byte after this field, int64 offset (must match the file name), int32 producer count},
 * then per producer {@code int64 producer id, int16 epoch, int64 last timestamp, int32 coordinator
 * epoch, int64 open transaction's first offset (-1 none), int8 batch count (at most 5)} and per
 * batch {@code int32 first sequence, int32 last sequence, int64 first offset, int64 last offset}.
 * Kafka keeps only a producer's last batch; keeping all five cached batches means a retry of any
 * in-flight request is still recognised as a duplicate after a restart.
 *
 * <p>Written whole with {@link AtomicFile} (temp file, fsync, rename), so a crash leaves the old
 * set of snapshots or the new one. A file that fails its length, version, offset or CRC check is
 * {@linkplain CorruptSnapshotException corrupt}; the log then falls back to an older snapshot or to
 * the log itself, never failing to load.
 */
final class ProducerSnapshotFile {
  static final String SUFFIX = ".snapshot";
  private static final short VERSION = 1;
  private static final int HEADER = 2 + 4 + 8 + 4;
  private static final int PRODUCER = 8 + 2 + 8 + 4 + 8 + 1;
  private static final int BATCH = 4 + 4 + 8 + 8;

  /** A snapshot file that breaks its format; the log loads without it. */
  static final class CorruptSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptSnapshotException(Path file, String why) {
      super(file + ": " + why);
    }
  }

  private ProducerSnapshotFile() {}

  static Path file(Path dir, long offset) {
    return dir.resolve(LogSegment.fileName(offset, SUFFIX));
  }

  /** Writes the state at {@code offset}, replacing any snapshot at that offset. */
  static void write(Path dir, long offset, List<ProducerEntry> entries) throws IOException {
    int size = HEADER;
    for (ProducerEntry e : entries) {
      size += PRODUCER + e.batches().size() * BATCH;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putShort(VERSION).putInt(0).putLong(offset).putInt(entries.size());
    for (ProducerEntry e : entries) {
      b.putLong(e.producerId())
          .putShort(e.epoch())
          .putLong(e.lastTimestamp())
          .putInt(e.coordinatorEpoch())
          .putLong(e.txnFirstOffset())
          .put((byte) e.batches().size());
      for (BatchMetadata m : e.batches()) {
        b.putInt(m.firstSeq()).putInt(m.lastSeq()).putLong(m.firstOffset()).putLong(m.lastOffset());
      }
    }
    b.putInt(2, Crc32c.compute(b.array(), 6, size - 6));
    AtomicFile.write(file(dir, offset), b.array());
  }

  /** Reads the snapshot at {@code offset}; throws {@link CorruptSnapshotException} if damaged. */
  static List<ProducerEntry> read(Path dir, long offset) throws IOException {
    Path file = file(dir, offset);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    if (b.remaining() < HEADER) {
      throw new CorruptSnapshotException(file, "only " + b.remaining() + " bytes");
    }
    short version = b.getShort();
    if (version != VERSION) {
      throw new CorruptSnapshotException(file, "unknown version " + version);
    }
    int crc = b.getInt();
    int actual = Crc32c.compute(b.array(), 6, b.limit() - 6);
    if (crc != actual) {
      throw new CorruptSnapshotException(
          file,
          "CRC32C "
              + Integer.toUnsignedString(actual, 16)
              + " does not match the stored "
              + Integer.toUnsignedString(crc, 16));
    }
    long stored = b.getLong();
    if (stored != offset) {
      throw new CorruptSnapshotException(file, "holds the state at offset " + stored);
    }
    try {
      int count = b.getInt();
      if (count < 0 || (long) count * PRODUCER > b.remaining()) {
        throw new CorruptSnapshotException(file, "producer count " + count);
      }
      List<ProducerEntry> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long producerId = b.getLong();
        short epoch = b.getShort();
        long lastTimestamp = b.getLong();
        int coordinatorEpoch = b.getInt();
        long txnFirstOffset = b.getLong();
        int batchCount = b.get();
        if (batchCount < 0 || batchCount > 5) {
          throw new CorruptSnapshotException(file, "batch count " + batchCount);
        }
        List<BatchMetadata> batches = new ArrayList<>(batchCount);
        for (int j = 0; j < batchCount; j++) {
          batches.add(new BatchMetadata(b.getInt(), b.getInt(), b.getLong(), b.getLong()));
        }
        entries.add(
            new ProducerEntry(
                producerId, epoch, lastTimestamp, coordinatorEpoch, txnFirstOffset, batches));
      }
      if (b.hasRemaining()) {
        throw new CorruptSnapshotException(file, b.remaining() + " bytes after the last producer");
      }
      return entries;
    } catch (BufferUnderflowException e) {
      throw new CorruptSnapshotException(file, "ends inside a producer entry");
    }
  }

  /** The offsets of the snapshots in {@code dir}, ascending. */
  static List<Long> offsets(Path dir) throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(SUFFIX) && !name.startsWith(".")) {
          try {
            found.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), f);
          } catch (NumberFormatException e) {
            // Not one of ours: left alone.
          }
        }
      }
    }
    return List.copyOf(found.keySet());
  }

  static void delete(Path dir, long offset) throws IOException {
    Files.deleteIfExists(file(dir, offset));
  }
}
