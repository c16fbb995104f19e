package dev.cairn.broker.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Optional;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition's log: {@code <base offset, 20 digits>.log} holding record batches
 * back to back, with its {@link OffsetIndex} ({@code .index}) and {@link TimeIndex} ({@code
 * .timeindex}).
 *
 * <p>Invariant: every batch in the file has offsets at or above the base offset, in increasing
 * order, and {@link #nextOffset()} is one past the last. The file is written only at its end, and
 * {@link #size()} is published after a write completes, so readers bounded by it never see a
 * partial append. Writes go through the page cache; {@link #flush()} is the fsync.
 *
 * <p>Not thread-safe for writers: {@link #append} and {@link #recover} require the owning log's
 * lock. Reads may run concurrently with an append.
 */
public final class LogSegment implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LogSegment.class);

  private final long baseOffset;
  private final Path logFile;
  private final FileChannel channel;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final int indexIntervalBytes;
  private volatile int size;
  private volatile long nextOffset;
  private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
  private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
  private int bytesSinceLastIndexEntry;
  private final long createdMs;
  private final long rollJitterMs;
  private final FileSync sync;

  private LogSegment(
      Path dir, long baseOffset, LogConfig config, boolean writable, long nowMs, FileSync sync)
      throws IOException {
    this.baseOffset = baseOffset;
    this.sync = sync;
    this.createdMs = nowMs;
    this.rollJitterMs = config.randomSegmentJitter();
    this.logFile = dir.resolve(fileName(baseOffset, ".log"));
    this.channel =
        FileChannel.open(
            logFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.indexIntervalBytes = config.indexIntervalBytes();
    this.size = (int) channel.size();
    this.nextOffset = baseOffset;
    OffsetIndex oi;
    TimeIndex ti;
    try {
      oi = offsetIndex(dir, baseOffset, config, writable);
      ti = timeIndex(dir, baseOffset, config, writable);
    } catch (CorruptIndexException e) {
      log.warn("{}: {}, rebuilding indexes", logFile, e.getMessage());
      Files.deleteIfExists(dir.resolve(fileName(baseOffset, ".index")));
      Files.deleteIfExists(dir.resolve(fileName(baseOffset, ".timeindex")));
      oi = offsetIndex(dir, baseOffset, config, writable);
      ti = timeIndex(dir, baseOffset, config, writable);
    }
    this.offsetIndex = oi;
    this.timeIndex = ti;
  }

  private static OffsetIndex offsetIndex(
      Path dir, long baseOffset, LogConfig config, boolean writable) throws IOException {
    return new OffsetIndex(
        dir.resolve(fileName(baseOffset, ".index")),
        baseOffset,
        config.segmentIndexBytes(),
        writable);
  }

  private static TimeIndex timeIndex(Path dir, long baseOffset, LogConfig config, boolean writable)
      throws IOException {
    return new TimeIndex(
        dir.resolve(fileName(baseOffset, ".timeindex")),
        baseOffset,
        config.segmentIndexBytes(),
        writable);
  }

  /** The file name of a segment file: the base offset as 20 zero-padded digits, then suffix. */
  public static String fileName(long baseOffset, String suffix) {
    return String.format("%020d%s", baseOffset, suffix);
  }

  /** A new empty segment (the active one). */
  public static LogSegment create(
      Path dir, long baseOffset, LogConfig config, long nowMs, FileSync sync) throws IOException {
    LogSegment s = new LogSegment(dir, baseOffset, config, true, nowMs, sync);
    if (config.preallocate() && s.size == 0) {
      // Sized to segment.bytes up front, as Kafka's preallocate; cut back to the data when the
      // segment closes or stops being active, and by recovery after a crash (zeros are no batch).
      s.channel.write(ByteBuffer.allocate(1), config.segmentBytes() - 1L);
    }
    return s;
  }

  /**
   * Opens an existing segment. A segment whose indexes are missing, empty while the log is not, or
   * fail their sanity check gets them rebuilt from the log; the last valid offset is found by
   * scanning from the last index entry.
   */
  public static LogSegment open(
      Path dir, long baseOffset, LogConfig config, boolean active, long nowMs, FileSync sync)
      throws IOException {
    LogSegment s = new LogSegment(dir, baseOffset, config, active, nowMs, sync);
    boolean indexesUsable;
    try {
      s.offsetIndex.sanityCheck();
      s.timeIndex.sanityCheck();
      indexesUsable = s.size == 0 || s.offsetIndex.entries() > 0 || s.size < s.indexIntervalBytes;
    } catch (CorruptIndexException e) {
      log.warn("{}: {}", s.logFile, e.getMessage());
      indexesUsable = false;
    }
    if (!indexesUsable) {
      s.offsetIndex.growToMaxSize();
      s.timeIndex.growToMaxSize();
      s.recover(Integer.MAX_VALUE);
      if (!active) {
        s.onBecomeInactive();
      }
    } else {
      s.loadTail();
    }
    return s;
  }

  /** Recomputes next offset and max timestamp by scanning from the last offset-index entry. */
  private void loadTail() throws IOException {
    OffsetIndex.OffsetPosition last = offsetIndex.lookup(Long.MAX_VALUE);
    long pos = last.position();
    maxTimestamp = timeIndex.lastTimestamp();
    BatchHeader first = BatchHeader.read(channel, 0, size);
    if (first != null) {
      rollingBasedTimestamp = first.maxTimestamp();
    }
    while (true) {
      BatchHeader h = BatchHeader.read(channel, pos, size);
      if (h == null) {
        break;
      }
      nextOffset = h.lastOffset() + 1;
      maxTimestamp = Math.max(maxTimestamp, h.maxTimestamp());
      pos += h.sizeInBytes();
    }
  }

  /**
   * Crash recovery: re-reads every batch from the start, checks size, magic, offsets and CRC,
   * rebuilds both indexes, and truncates the file at the first batch that fails (a torn or corrupt
   * tail). Returns the number of bytes cut off.
   */
  public int recover(int maxBatchSize) throws IOException {
    offsetIndex.reset();
    timeIndex.reset();
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    maxTimestamp = RecordBatch.NO_TIMESTAMP;
    rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    long fileSize = channel.size();
    int pos = 0;
    while (true) {
      BatchHeader h = BatchHeader.read(channel, pos, fileSize);
      if (h == null
          || h.magic() != RecordBatch.MAGIC_VALUE_V2
          || h.sizeInBytes() < BatchHeader.SIZE
          || h.sizeInBytes() > maxBatchSize
          || pos + (long) h.sizeInBytes() > fileSize
          || h.baseOffset() < nextOffset
          || h.lastOffset() < h.baseOffset()) {
        break;
      }
      MutableRecordBatch batch = readBatch(pos, h);
      if (batch == null || !batch.isValid()) {
        break;
      }
      indexBatch(h, pos);
      nextOffset = h.lastOffset() + 1;
      pos += h.sizeInBytes();
    }
    int truncated = (int) (fileSize - pos);
    if (truncated > 0) {
      channel.truncate(pos);
      log.warn(
          "{}: truncated {} bytes of torn or corrupt batches at position {}",
          logFile,
          truncated,
          pos);
    }
    size = pos;
    return truncated;
  }

  private void indexBatch(BatchHeader h, int position) {
    if (rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP) {
      rollingBasedTimestamp = h.maxTimestamp();
    }
    if (h.maxTimestamp() > maxTimestamp) {
      maxTimestamp = h.maxTimestamp();
    }
    if (bytesSinceLastIndexEntry > indexIntervalBytes) {
      offsetIndex.append(h.lastOffset(), position);
      timeIndex.maybeAppend(maxTimestamp, h.lastOffset());
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += h.sizeInBytes();
  }

  /**
   * Appends whole batches that already carry their final offsets (at or above {@link
   * #nextOffset()}), adding index entries every {@code index.interval.bytes}. Checked before
   * anything is written: a partial batch or an offset going back leaves the segment as it was.
   */
  public void append(ByteBuffer batches) throws IOException {
    requireWholeBatches(batches);
    int start = size;
    ByteBuffer write = batches.duplicate();
    long pos = start;
    while (write.hasRemaining()) {
      pos += channel.write(write, pos);
    }
    ByteBuffer scan = batches.duplicate();
    int position = start;
    while (scan.hasRemaining()) {
      BatchHeader h = BatchHeader.parse(scan);
      indexBatch(h, position);
      nextOffset = h.lastOffset() + 1;
      position += h.sizeInBytes();
      scan.position(scan.position() + h.sizeInBytes());
    }
    size = (int) pos;
  }

  private void requireWholeBatches(ByteBuffer batches) {
    ByteBuffer scan = batches.duplicate();
    long next = nextOffset;
    while (scan.hasRemaining()) {
      BatchHeader h = scan.remaining() >= BatchHeader.SIZE ? BatchHeader.parse(scan) : null;
      if (h == null || h.sizeInBytes() > scan.remaining()) {
        throw new IllegalArgumentException(
            logFile + ": " + scan.remaining() + " trailing bytes are not a whole batch");
      }
      if (h.baseOffset() < next) {
        throw new IllegalArgumentException(
            logFile + ": batch base offset " + h.baseOffset() + " below next offset " + next);
      }
      next = h.lastOffset() + 1;
      scan.position(scan.position() + h.sizeInBytes());
    }
  }

  /**
   * Cuts this (active) segment before the first batch that ends at or after {@code offset} and
   * rebuilds its indexes from what remains.
   */
  public void truncateTo(long offset) throws IOException {
    BatchPosition bp = translateOffset(offset);
    if (bp == null) {
      return;
    }
    channel.truncate(bp.position());
    recover(Integer.MAX_VALUE);
  }

  /**
   * Where the batch holding {@code offset} (or the first batch after it) starts, with its header.
   */
  public record BatchPosition(int position, BatchHeader header) {}

  /** The first batch whose last offset is at least {@code offset}, or null past the end. */
  public BatchPosition translateOffset(long offset) throws IOException {
    int end = size;
    long pos = offsetIndex.lookup(offset).position();
    while (true) {
      BatchHeader h = BatchHeader.read(channel, pos, end);
      if (h == null) {
        return null;
      }
      if (h.lastOffset() >= offset) {
        return new BatchPosition((int) pos, h);
      }
      pos += h.sizeInBytes();
    }
  }

  /**
   * Up to {@code maxBytes} from the batch holding {@code startOffset}, not past {@code
   * maxPosition}; with {@code minOneBatch} the first batch is returned whole even if larger. Null
   * when the segment holds nothing at or after {@code startOffset}.
   */
  public FileSlice read(long startOffset, int maxBytes, int maxPosition, boolean minOneBatch)
      throws IOException {
    BatchPosition start = translateOffset(startOffset);
    if (start == null) {
      return null;
    }
    int limit = minOneBatch ? Math.max(maxBytes, start.header().sizeInBytes()) : maxBytes;
    int length = Math.max(0, Math.min(maxPosition - start.position(), limit));
    return new FileSlice(channel, start.position(), length);
  }

  /**
   * The whole batch whose header is {@code h}, or null when the file ends before the batch does (it
   * was cut under us: the bytes are not there to wait for).
   */
  private MutableRecordBatch readBatch(long position, BatchHeader h) throws IOException {
    ByteBuffer buf = slice(position, h.sizeInBytes()).readFully();
    if (buf.remaining() < h.sizeInBytes()) {
      log.warn("{}: file ends inside the batch at position {}", logFile, position);
      return null;
    }
    return MemoryRecords.readableRecords(buf).batches().iterator().next();
  }

  /** A slice of this segment's file (internal readers). */
  FileSlice slice(long position, int length) {
    return new FileSlice(channel, position, length);
  }

  /** The first record at or after {@code timestamp} with its offset, if this segment has one. */
  public Optional<TimestampOffset> findOffsetByTimestamp(long timestamp, long startingOffset)
      throws IOException {
    long from = Math.max(timeIndex.lookup(timestamp), startingOffset);
    BatchPosition bp = translateOffset(from);
    if (bp == null) {
      return Optional.empty();
    }
    int end = size;
    long pos = bp.position();
    while (true) {
      BatchHeader h = BatchHeader.read(channel, pos, end);
      if (h == null) {
        return Optional.empty();
      }
      if (h.maxTimestamp() >= timestamp && h.lastOffset() >= startingOffset) {
        MutableRecordBatch batch = readBatch(pos, h);
        if (batch == null) {
          return Optional.empty();
        }
        Iterator<Record> it = batch.iterator();
        while (it.hasNext()) {
          Record r = it.next();
          if (r.timestamp() >= timestamp && r.offset() >= startingOffset) {
            return Optional.of(new TimestampOffset(r.timestamp(), r.offset()));
          }
        }
      }
      pos += h.sizeInBytes();
    }
  }

  /** A record's timestamp and offset (ListOffsets answers). */
  public record TimestampOffset(long timestamp, long offset) {}

  /**
   * Whether an append of {@code incomingBytes} must go to a new segment: size; age, measured as
   * Kafka does — the incoming batches' max timestamp minus the segment's first batch timestamp, or
   * wall-clock time since creation when batches carry no timestamps — beyond {@link
   * LogConfig#maxSegmentMs} less this segment's random jitter; full indexes; or relative offsets
   * that would overflow.
   */
  public boolean shouldRoll(
      LogConfig config, int incomingBytes, long lastOffset, long incomingMaxTimestamp, long nowMs) {
    long waited =
        rollingBasedTimestamp != RecordBatch.NO_TIMESTAMP
            ? incomingMaxTimestamp - rollingBasedTimestamp
            : nowMs - createdMs;
    return (size > 0 && (long) size + incomingBytes > config.segmentBytes())
        || (size > 0 && waited > config.maxSegmentMs() - rollJitterMs)
        || offsetIndex.isFull()
        || timeIndex.isFull()
        || lastOffset - baseOffset > Integer.MAX_VALUE;
  }

  /** The segment stops being active: its indexes shrink to their entries. */
  public void onBecomeInactive() throws IOException {
    trimPreallocated();
    flush();
    offsetIndex.trimToValidSize();
    timeIndex.trimToValidSize();
  }

  public void flush() throws IOException {
    sync.force(logFile, channel);
    offsetIndex.flush();
    timeIndex.flush();
  }

  public long baseOffset() {
    return baseOffset;
  }

  /** One past the last offset in the segment; the base offset when empty. */
  public long nextOffset() {
    return nextOffset;
  }

  public int size() {
    return size;
  }

  public long maxTimestamp() {
    return maxTimestamp;
  }

  public Path file() {
    return logFile;
  }

  private void trimPreallocated() throws IOException {
    if (channel.size() > size) {
      channel.truncate(size);
    }
  }

  /** The max timestamp of the segment's first batch (how old its oldest data is), or -1. */
  public long firstBatchTimestamp() {
    return rollingBasedTimestamp;
  }

  @Override
  public void close() throws IOException {
    trimPreallocated();
    offsetIndex.close();
    timeIndex.close();
    channel.close();
  }

  /**
   * Removes the segment's files (log, indexes, transaction index). The log file's channel stays
   * open for {@code delay} (the topic's {@code file.delete.delay.ms}) so fetch responses already
   * holding a slice of it can still be sent: the file's bytes live until the last descriptor
   * closes.
   */
  public void delete(java.time.Duration delay) throws IOException {
    Files.deleteIfExists(logFile.resolveSibling(fileName(baseOffset, TransactionIndex.SUFFIX)));
    deleteForReplacement(delay);
  }

  /**
   * As {@link #delete} but keeps the transaction index: a cleaned copy of this segment (same base
   * offset, same markers) takes its place and the aborted transactions it records still hold.
   */
  public void deleteForReplacement(java.time.Duration delay) throws IOException {
    offsetIndex.delete();
    timeIndex.delete();
    Files.deleteIfExists(logFile);
    DeferredCloser.closeLater(channel, delay);
  }
}
