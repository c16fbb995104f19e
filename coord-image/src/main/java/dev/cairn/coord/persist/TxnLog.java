package dev.cairn.coord.persist;

import dev.cairn.common.io.AtomicFile;
import dev.cairn.common.io.Crc32c;
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
 * the file size; a zero length ends the entries. Recovery truncates a torn write at the end of the
 * newest file and refuses to start on any other entry that does not read back ({@link
 * SegmentReader}).
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
   * torn tail of the newest file and refuses anything else that does not read back (see {@link
   * SegmentReader}); returns the last zxid read (or {@code afterZxid}).
   *
   * @throws CorruptLogException naming the file and offset of an entry that cannot be served
   */
  public static long replay(Path dir, long afterZxid, int maxBuffer, Consumer<LoggedTxn> sink)
      throws IOException {
    List<Segment> segments = segments(dir);
    long last = afterZxid;
    for (int i = 0; i < segments.size(); i++) {
      Segment seg = segments.get(i);
      boolean newest = i + 1 == segments.size();
      if (!newest && segments.get(i + 1).firstZxid() <= afterZxid + 1) {
        continue; // every txn this file holds is in the snapshot
      }
      SegmentReader reader = new SegmentReader(seg.path(), seg.firstZxid(), newest, maxBuffer);
      last = Math.max(last, reader.replay(afterZxid, sink));
    }
    return last;
  }
}
