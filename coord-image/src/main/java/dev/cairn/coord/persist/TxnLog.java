package dev.cairn.coord.persist;

import dev.cairn.common.io.AtomicFile;
import dev.cairn.common.io.Crc32c;
import dev.cairn.coord.tree.TxnCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.TxnHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log: append-only segment files in {@code dataLogDir}, written with group commit.
 *
 * <p>Files are named {@code log.<zxid of first txn, 16 hex digits>}. A new file starts at every
 * start-up and after every snapshot, so a file is only ever appended to by one process life.
 *
 * <pre>
 * file   := header entry* zero-fill
 * header := magic "CZLG" (int) | format version 1 (int) | first zxid (long)          16 bytes
 * entry  := length (int, &gt; 0) | crc32c of payload (int) | payload
 * payload:= jute TxnHeader | jute txn record (its type is TxnHeader.type)
 * </pre>
 *
 * Files are preallocated in {@link #PREALLOC}-byte steps (zeros) so an fsync rarely has to update
 * the file size; a zero length ends the entries. Recovery reads entries until a zero length, EOF,
 * an impossible length or a checksum mismatch — a torn write — and truncates the file there.
 *
 * <p>{@link #append} only buffers; {@link #commit} writes the batch and fsyncs once: nothing is
 * acknowledged before {@code commit} returns. Not thread-safe: the sync stage owns it.
 */
public final class TxnLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TxnLog.class);
  static final int MAGIC = 0x435a4c47; // "CZLG"
  static final int VERSION = 1;
  static final int HEADER = 16;

  /** 64 MiB as ZooKeeper's default preAllocSize; override with -Dzookeeper.preAllocSize (KiB). */
  static final long PREALLOC = Long.getLong("zookeeper.preAllocSize", 64 * 1024) * 1024;

  private final Path dir;
  private final boolean forceSync;
  private final ByteBuf batch = Unpooled.directBuffer(64 * 1024);
  private FileChannel channel;
  private Path current;
  private long position;
  private long allocated;
  private int batchEntries;

  public TxnLog(Path dir, boolean forceSync) throws IOException {
    this.dir = dir;
    this.forceSync = forceSync;
    Files.createDirectories(dir);
  }

  /** Starts a new file for txns from {@code firstZxid} on. */
  public void roll(long firstZxid) throws IOException {
    closeFile();
    current = dir.resolve(fileName(firstZxid));
    channel =
        FileChannel.open(
            current,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.putInt(MAGIC).putInt(VERSION).putLong(firstZxid).flip();
    while (header.hasRemaining()) {
      channel.write(header, 0);
    }
    position = HEADER;
    allocated = HEADER;
    preallocate(0);
    if (forceSync) {
      channel.force(true);
    }
    AtomicFile.fsyncDirectory(dir);
    log.info("txn log {} started", current.getFileName());
  }

  public static String fileName(long zxid) {
    return String.format("log.%016x", zxid);
  }

  /** Buffers one txn for the next {@link #commit}. */
  public void append(TxnHeader header, Record txn) throws IOException {
    int start = batch.writerIndex();
    batch.writeLong(0); // length and crc, filled in below
    BinaryOutputArchive out =
        new BinaryOutputArchive(new DataOutputStream(new ByteBufOutputStream(batch)));
    header.serialize(out, "hdr");
    if (txn != null) {
      txn.serialize(out, "txn");
    }
    int length = batch.writerIndex() - start - 8;
    batch.setInt(start, length);
    batch.setInt(start + 4, Crc32c.compute(batch.nioBuffer(start + 8, length)));
    batchEntries++;
  }

  /** Writes the buffered txns and fsyncs once; returns how many were made durable. */
  public int commit() throws IOException {
    if (batchEntries == 0) {
      return 0;
    }
    int bytes = batch.readableBytes();
    preallocate(bytes);
    ByteBuffer buf = batch.nioBuffer();
    long at = position;
    while (buf.hasRemaining()) {
      at += channel.write(buf, at);
    }
    position = at;
    if (forceSync) {
      channel.force(false);
    }
    batch.clear();
    int n = batchEntries;
    batchEntries = 0;
    return n;
  }

  private void preallocate(int incoming) throws IOException {
    if (position + incoming + 4 <= allocated) {
      return;
    }
    long target = allocated;
    while (position + incoming + 4 > target) {
      target += PREALLOC;
    }
    channel.write(ByteBuffer.wrap(new byte[] {0}), target - 1);
    allocated = target;
  }

  private void closeFile() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeFile();
    batch.release();
  }

  /** Log files in {@code dir}, oldest first, with their first zxids. */
  public static List<Segment> segments(Path dir) throws IOException {
    List<Segment> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().matches("log\\.[0-9a-f]{16}"))
          .forEach(p ->
              out.add(
                  new Segment(
                      p, Long.parseUnsignedLong(p.getFileName().toString().substring(4), 16))));
    }
    out.sort((a, b) -> Long.compare(a.firstZxid(), b.firstZxid()));
    return out;
  }

  /** One log file and the zxid its first txn has. */
  public record Segment(Path path, long firstZxid) {}

  /**
   * Feeds every txn with a zxid above {@code afterZxid}, oldest first, to {@code sink}; truncates a
   * torn tail; returns the last zxid read (or {@code afterZxid}).
   */
  public static long replay(Path dir, long afterZxid, int maxBuffer, Consumer<LoggedTxn> sink)
      throws IOException {
    List<Segment> segments = segments(dir);
    long last = afterZxid;
    for (int i = 0; i < segments.size(); i++) {
      Segment seg = segments.get(i);
      boolean laterNeeded =
          i + 1 < segments.size() && segments.get(i + 1).firstZxid() <= afterZxid + 1;
      if (laterNeeded) {
        continue;
      }
      last = Math.max(last, replaySegment(seg.path(), afterZxid, maxBuffer, sink));
    }
    return last;
  }

  private static long replaySegment(
      Path file, long afterZxid, int maxBuffer, Consumer<LoggedTxn> sink) throws IOException {
    long last = afterZxid;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(HEADER);
      if (readFully(ch, head, 0) < HEADER || head.getInt(0) != MAGIC || head.getInt(4) != VERSION) {
        log.warn("txn log {} has no valid header, ignoring it", file.getFileName());
        return last;
      }
      long pos = HEADER;
      ByteBuffer lenCrc = ByteBuffer.allocate(8);
      while (true) {
        lenCrc.clear();
        if (readFully(ch, lenCrc, pos) < 8) {
          break;
        }
        int length = lenCrc.getInt(0);
        int crc = lenCrc.getInt(4);
        if (length == 0) {
          break;
        }
        if (length < 0 || length > maxBuffer + 1024 || pos + 8 + length > size) {
          truncate(ch, file, pos, "impossible entry length " + length);
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        if (readFully(ch, payload, pos + 8) < length || Crc32c.compute(payload.array()) != crc) {
          truncate(ch, file, pos, "checksum mismatch");
          break;
        }
        BinaryInputArchive in =
            new BinaryInputArchive(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(payload.array())),
                maxBuffer,
                1024);
        TxnHeader hdr = new TxnHeader();
        hdr.deserialize(in, "hdr");
        Record txn = TxnCodec.recordFor(hdr.getType()).get();
        txn.deserialize(in, "txn");
        if (hdr.getZxid() > afterZxid) {
          sink.accept(new LoggedTxn(hdr, txn));
          last = hdr.getZxid();
        }
        pos += 8 + length;
      }
    }
    return last;
  }

  private static void truncate(FileChannel ch, Path file, long pos, String why) throws IOException {
    log.warn("txn log {}: torn tail at byte {} ({}), truncating", file.getFileName(), pos, why);
    ch.truncate(pos);
    ch.force(true);
  }

  private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
