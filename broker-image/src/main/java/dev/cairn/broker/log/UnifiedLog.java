package dev.cairn.broker.log;

import dev.cairn.broker.producer.ProducerStateManager;
import dev.cairn.common.io.AtomicFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: a directory {@code <topic>-<partition>} of {@link LogSegment}s keyed by
 * base offset, the last one active.
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= logEndOffset}. The log start offset moves
 * forward by retention (whole segments) and DeleteRecords (any offset below the high watermark;
 * persisted in {@code log-start-offset} so it survives a restart). The high watermark is set by the
 * partition's replication state; consumers never read at or above it.
 *
 * <p>Lookup of an offset: the segment with the greatest base offset at or below it (a floor search
 * over the skip-list), then that segment's sparse index, then a short scan.
 *
 * <p>Appends are serialised by the log's lock (validation happens before it); reads take no lock.
 * Flushing follows {@code flush.messages}; {@code flush.ms} is driven by the log manager.
 */
public final class UnifiedLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(UnifiedLog.class);
  static final String LOG_START_FILE = "log-start-offset";

  /**
   * Which topic this log belongs to, as Kafka writes it: {@code version: 0} and {@code topic_id:
   * <id>} lines. A topic deleted and re-created under the same name gets a new id, so a log that
   * outlived its topic is told apart from the new topic's.
   */
  static final String PARTITION_METADATA_FILE = "partition.metadata";

  private final TopicPartition tp;
  private final Path dir;
  private final LongSupplier clock;
  private final FileSync sync;
  private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final ProducerStateManager producers = new ProducerStateManager();
  private final LeaderEpochCache epochs = new LeaderEpochCache();
  private volatile LogConfig config;
  private volatile long logStartOffset;
  private volatile LogOffsetMetadata highWatermark;
  private long unflushedMessages;
  private long cleanedUpTo = -1;
  private volatile long lastFlushMs;
  private volatile Uuid topicId;
  private long batchesReplayedOnLoad;

  private UnifiedLog(
      TopicPartition tp, Path dir, LogConfig config, LongSupplier clock, FileSync sync) {
    this.tp = tp;
    this.sync = sync;
    this.dir = dir;
    this.config = config;
    this.clock = clock;
    this.lastFlushMs = clock.getAsLong();
  }

  /** The directory name of a partition's log. */
  public static String dirName(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  /** Parses a log directory name back into its partition, or null if it is not one. */
  public static TopicPartition parseDirName(String name) {
    int dash = name.lastIndexOf('-');
    if (dash <= 0 || dash == name.length() - 1) {
      return null;
    }
    try {
      return new TopicPartition(
          name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Opens (or creates) the log in {@code dir}. After an unclean shutdown the active segment is
   * recovered: CRC-checked batch by batch, torn tail truncated, indexes rebuilt.
   */
  public static UnifiedLog load(
      TopicPartition tp,
      Path dir,
      LogConfig config,
      boolean cleanShutdown,
      LongSupplier clock,
      FileSync sync)
      throws IOException {
    Files.createDirectories(dir);
    UnifiedLog l = new UnifiedLog(tp, dir, config, clock, sync);
    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".deleted")
            || name.endsWith(".tmp")
            || name.endsWith(".cleaned")
            || (name.startsWith(".") && name.contains(".tmp-"))) {
          Files.deleteIfExists(f);
        } else if (name.endsWith(".log.swap")) {
          // A cleaned segment that was complete but not yet renamed when we stopped: it wins.
          String base = name.substring(0, name.length() - ".log.swap".length());
          Files.deleteIfExists(dir.resolve(base + ".index"));
          Files.deleteIfExists(dir.resolve(base + ".timeindex"));
          Files.move(f, dir.resolve(base + ".log"), StandardCopyOption.REPLACE_EXISTING);
          bases.add(Long.parseLong(base));
        } else if (name.endsWith(".log")) {
          bases.add(Long.parseLong(name.substring(0, name.length() - 4)));
        }
      }
    }
    bases = new ArrayList<>(new java.util.TreeSet<>(bases));
    for (int i = 0; i < bases.size(); i++) {
      boolean active = i == bases.size() - 1;
      LogSegment s = LogSegment.open(dir, bases.get(i), config, active, clock.getAsLong(), sync);
      if (active && !cleanShutdown) {
        s.recover(Integer.MAX_VALUE);
      }
      l.segments.put(s.baseOffset(), s);
    }
    Path startFile = dir.resolve(LOG_START_FILE);
    long checkpointed =
        Files.exists(startFile)
            ? Long.parseLong(Files.readString(startFile, StandardCharsets.UTF_8).trim())
            : 0;
    if (l.segments.isEmpty()) {
      l.segments.put(
          checkpointed, LogSegment.create(dir, checkpointed, config, clock.getAsLong(), sync));
    }
    l.logStartOffset = Math.max(checkpointed, l.segments.firstKey());
    l.topicId = readTopicId(dir.resolve(PARTITION_METADATA_FILE));
    l.loadState();
    l.highWatermark = l.endMetadata();
    log.info(
        "{}: loaded {} segments, log start offset {}, log end offset {}",
        tp,
        l.segments.size(),
        l.logStartOffset,
        l.logEndOffset());
    return l;
  }

  private static Uuid readTopicId(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("topic_id:")) {
        return Uuid.fromString(line.substring("topic_id:".length()).trim());
      }
    }
    throw new IOException(file + " names no topic_id");
  }

  /** The id of the topic this log belongs to; null for a log written before ids were recorded. */
  public Uuid topicId() {
    return topicId;
  }

  /** Records the topic id (once: a log never changes topics, a new topic gets a new log). */
  public synchronized void assignTopicId(Uuid id) throws IOException {
    if (id.equals(topicId)) {
      return;
    }
    if (topicId != null) {
      throw new IllegalStateException(tp + " belongs to topic id " + topicId + ", not " + id);
    }
    AtomicFile.write(
        dir.resolve(PARTITION_METADATA_FILE),
        ("version: 0\ntopic_id: " + id + "\n").getBytes(StandardCharsets.UTF_8));
    topicId = id;
  }

  /**
   * Loads the producer state, the aborted transactions and the leader epochs (at start-up and after
   * a truncation). The producer state comes from the latest valid snapshot at or below the log end
   * (later ones describe batches the log no longer has and are deleted; damaged ones are deleted
   * and the next older tried); the aborted transactions of the segments it covers come from their
   * {@code .txnindex}; the epochs from the {@link LeaderEpochCheckpoint}. Only the batches from the
   * snapshot's offset on are then read — with no usable snapshot, every batch, as before snapshots
   * existed. With no usable epoch checkpoint every batch header is read for its epoch, but the
   * producers still come from the snapshot. A transaction index that cannot be read makes it start
   * over from the log alone: loading never fails for want of a derived file.
   */
  private void loadState() throws IOException {
    long end = logEndOffset();
    Map<Integer, Long> checkpointed = LeaderEpochCheckpoint.read(dir);
    boolean epochsKnown = checkpointed != null;
    if (epochsKnown) {
      epochs.restore(checkpointed);
    } else {
      epochs.restore(Map.of());
      if (Files.exists(dir.resolve(LeaderEpochCheckpoint.FILE))) {
        log.warn(
            "{}: unreadable {}, reading the epochs from the log", tp, LeaderEpochCheckpoint.FILE);
      }
    }
    boolean epochsChanged = epochs.truncateFromEnd(end) || !epochsKnown;
    long replayFrom = Long.MIN_VALUE;
    producers.clear();
    for (long offset : ProducerSnapshotFile.offsets(dir).reversed()) {
      if (offset > end) {
        ProducerSnapshotFile.delete(dir, offset);
        continue;
      }
      try {
        producers.restore(ProducerSnapshotFile.read(dir, offset));
        replayFrom = offset;
        break;
      } catch (ProducerSnapshotFile.CorruptSnapshotException e) {
        log.warn("{}: {}; deleted, loading from an older snapshot or the log", tp, e.getMessage());
        ProducerSnapshotFile.delete(dir, offset);
      }
    }
    ReplayResult r;
    try {
      r = replay(epochsKnown ? replayFrom : Long.MIN_VALUE, replayFrom);
    } catch (CorruptIndexException e) {
      log.warn("{}: {}; rebuilding the producer state from the whole log", tp, e.getMessage());
      producers.clear();
      epochs.restore(Map.of());
      replayFrom = Long.MIN_VALUE;
      epochsChanged = true;
      r = replay(Long.MIN_VALUE, Long.MIN_VALUE);
    }
    if (epochsChanged || r.epochsChanged()) {
      if (!epochs.entries().isEmpty() || end > logStartOffset || epochsKnown) {
        LeaderEpochCheckpoint.write(dir, epochs.entries());
      }
    }
    if (r.inactiveBatches() > 0) {
      // Whole segments were read: a snapshot now spares the next start-up reading them again.
      ProducerSnapshotFile.write(dir, end, producers.entries());
    }
    retainSnapshots();
    batchesReplayedOnLoad = r.batches();
    log.debug(
        "{}: producer state loaded from {}, {} batches replayed",
        tp,
        replayFrom == Long.MIN_VALUE ? "the log" : "snapshot " + replayFrom,
        r.batches());
  }

  /** What a replay read: batches applied, of them in inactive segments, and epoch changes. */
  private record ReplayResult(long batches, long inactiveBatches, boolean epochsChanged) {}

  /**
   * Reads batch headers from {@code scanFrom} for their epochs, and applies those from {@code
   * replayFrom} on to the producer state (restored to that offset by the caller); segments wholly
   * below {@code replayFrom} contribute their transaction index. Rewrites the transaction index of
   * every segment it replays, so a torn or stale one is mended.
   */
  private ReplayResult replay(long scanFrom, long replayFrom) throws IOException {
    long batches = 0;
    long inactiveBatches = 0;
    boolean epochsChanged = false;
    long activeBase = active().baseOffset();
    for (LogSegment s : segments.values()) {
      Path index = TransactionIndex.file(dir, s.baseOffset());
      boolean covered = s.nextOffset() <= replayFrom;
      List<ProducerStateManager.AbortedTxn> abortedHere = new ArrayList<>();
      if (s.baseOffset() < replayFrom) {
        for (ProducerStateManager.AbortedTxn t : TransactionIndex.read(index)) {
          if (t.lastOffset() < replayFrom) {
            abortedHere.add(t);
          }
        }
        producers.restoreAborted(abortedHere);
      }
      if (s.nextOffset() <= scanFrom) {
        continue;
      }
      long pos = 0;
      if (scanFrom > s.baseOffset()) {
        LogSegment.BatchPosition bp = s.translateOffset(scanFrom);
        if (bp == null) {
          continue;
        }
        pos = bp.position();
      }
      boolean replayed = false;
      try (var ch = java.nio.channels.FileChannel.open(s.file())) {
        while (true) {
          BatchHeader h = BatchHeader.read(ch, pos, s.size());
          if (h == null) {
            break;
          }
          epochsChanged |= epochs.assign(h.partitionLeaderEpoch(), h.baseOffset());
          if (h.baseOffset() >= replayFrom) {
            EndTransactionMarker marker = null;
            if (h.isControl()) {
              ByteBuffer batch = ByteBuffer.allocate(h.sizeInBytes());
              while (batch.hasRemaining() && ch.read(batch, pos + batch.position()) >= 0) {}
              marker = marker(batch.flip());
            }
            ProducerStateManager.AbortedTxn closed = updateProducer(h, marker);
            if (closed != null) {
              abortedHere.add(closed);
            }
            replayed = true;
            batches++;
            if (s.baseOffset() < activeBase) {
              inactiveBatches++;
            }
          }
          pos += h.sizeInBytes();
        }
      }
      if (!covered && (replayed || Files.exists(index))) {
        TransactionIndex.rewrite(index, abortedHere);
      }
    }
    return new ReplayResult(batches, inactiveBatches, epochsChanged);
  }

  /**
   * Keeps the snapshots a later load or truncation can use: the one at each segment's base offset
   * (written when the log rolled there) and the latest; older ones, and those below the first
   * segment (its producers live on in the later snapshots), are deleted.
   */
  private void retainSnapshots() throws IOException {
    List<Long> offsets = ProducerSnapshotFile.offsets(dir);
    long first = segments.firstKey();
    for (int i = 0; i < offsets.size() - 1; i++) {
      long offset = offsets.get(i);
      if (offset < first || !segments.containsKey(offset)) {
        ProducerSnapshotFile.delete(dir, offset);
      }
    }
  }

  /** Writes the epoch checkpoint after the epochs changed. */
  private void checkpointEpochs() throws IOException {
    LeaderEpochCheckpoint.write(dir, epochs.entries());
  }

  /** A coordinator's markers must come from the current producer and coordinator epochs. */
  private void checkMarkers(MemoryRecords records) {
    for (MutableRecordBatch b : records.batches()) {
      EndTransactionMarker m = b.isControlBatch() ? marker(b) : null;
      if (m != null) {
        producers.checkMarker(b.producerId(), b.producerEpoch(), m.coordinatorEpoch());
      }
    }
  }

  /** The marker of the control batch at the buffer's position, or null if it carries none. */
  private static EndTransactionMarker marker(ByteBuffer batch) {
    return marker(MemoryRecords.readableRecords(batch.duplicate()).batches().iterator().next());
  }

  private static EndTransactionMarker marker(MutableRecordBatch b) {
    for (org.apache.kafka.common.record.Record r : b) {
      ControlRecordType type = ControlRecordType.parse(r.key());
      return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT
          ? EndTransactionMarker.deserialize(r)
          : null;
    }
    return null;
  }

  private ProducerStateManager.AbortedTxn updateProducer(
      BatchHeader h, EndTransactionMarker marker) {
    return marker == null
        ? producers.update(h, false)
        : producers.update(
            h, marker.controlType() == ControlRecordType.COMMIT, marker.coordinatorEpoch());
  }

  /** How many batches the last load (or truncation) read into the producer state. */
  long batchesReplayedOnLoad() {
    return batchesReplayedOnLoad;
  }

  /** Whether {@code producerId} has a transaction open in this partition. */
  public boolean inTransaction(long producerId) {
    return producers.inTransaction(producerId);
  }

  /** Every producer this partition tracks (DescribeProducers). */
  public List<ProducerStateManager.ProducerSnapshot> producers() {
    return producers.snapshot();
  }

  /**
   * Forgets the producers idle for {@code expirationMs} with no open transaction ({@code
   * producer.id.expiration.ms}); returns how many.
   */
  public int removeExpiredProducers(long nowMs, long expirationMs) {
    lock.lock();
    try {
      int removed = producers.removeExpired(nowMs, expirationMs);
      if (removed > 0) {
        log.debug("{}: {} idle producer ids expired", tp, removed);
      }
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /** Updates producer state with appended batches; abort markers go to the segment's index. */
  private void updateProducers(ByteBuffer records) throws IOException {
    ByteBuffer b = records.duplicate();
    for (BatchHeader h : BatchHeader.all(records)) {
      ProducerStateManager.AbortedTxn closed =
          updateProducer(h, h.isControl() ? marker(b.slice(b.position(), h.sizeInBytes())) : null);
      if (closed != null) {
        TransactionIndex.append(TransactionIndex.file(dir, active().baseOffset()), closed);
      }
      b.position(b.position() + h.sizeInBytes());
    }
  }

  private LogSegment active() {
    return segments.lastEntry().getValue();
  }

  private LogOffsetMetadata endMetadata() {
    LogSegment a = active();
    return new LogOffsetMetadata(a.nextOffset(), a.baseOffset(), a.size());
  }

  /**
   * Validates and appends producer batches as the leader: duplicates of an idempotent producer's
   * recent batch are answered with the original offsets and not written.
   */
  public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) throws IOException {
    return appendAsLeader(records, leaderEpoch, false);
  }

  /**
   * As {@link #appendAsLeader(MemoryRecords, int)}; {@code fromCoordinator} admits control batches
   * (transaction markers), which producers may not send, and skips the producer checks (Kafka's
   * coordinator origin: markers and transactional offset commits carry no meaningful sequence).
   */
  public LogAppendInfo appendAsLeader(
      MemoryRecords records, int leaderEpoch, boolean fromCoordinator) throws IOException {
    LogConfig cfg = config;
    LogValidator.ValidatedBatches validated =
        LogValidator.validate(records, cfg, clock.getAsLong(), fromCoordinator);
    lock.lock();
    try {
      if (fromCoordinator) {
        checkMarkers(records);
      }
      for (BatchHeader h : fromCoordinator ? List.<BatchHeader>of() : validated.headers()) {
        ProducerStateManager.BatchMetadata dup = producers.check(h);
        if (dup != null) {
          log.debug(
              "{}: duplicate batch of producer {} at offset {}",
              tp,
              h.producerId(),
              dup.firstOffset());
          return new LogAppendInfo(dup.firstOffset(), dup.lastOffset(), -1, logStartOffset, 0);
        }
      }
      long now = clock.getAsLong();
      long first = logEndOffset();
      long next = LogValidator.assignOffsets(records, first, leaderEpoch, cfg, now);
      if (epochs.assign(leaderEpoch, first)) {
        checkpointEpochs();
      }
      LogSegment segment = active();
      long maxTimestamp =
          cfg.logAppendTime()
              ? now
              : validated.headers().stream().mapToLong(BatchHeader::maxTimestamp).max().orElse(now);
      if (segment.shouldRoll(cfg, records.sizeInBytes(), next - 1, maxTimestamp, now)) {
        segment = roll(first);
      }
      segment.append(records.buffer());
      updateProducers(records.buffer());
      unflushedMessages += validated.records();
      if (unflushedMessages >= cfg.flushMessages()) {
        flushLocked();
      }
      return new LogAppendInfo(
          first, next - 1, cfg.logAppendTime() ? now : -1, logStartOffset, validated.records());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends a leader's batches as they are: offsets, leader epochs and producer fields come from
   * the leader, so only integrity is checked (magic 2, CRC, offsets continuing this log's end). A
   * fetch answer may end inside a batch (the leader cuts at the fetch size); those trailing bytes
   * are dropped, as Kafka's trimInvalidBytes does, and fetched again whole next time.
   */
  public void appendAsFollower(MemoryRecords records) throws IOException {
    List<BatchHeader> headers = new ArrayList<>();
    long expected = logEndOffset();
    for (MutableRecordBatch batch : records.batches()) {
      if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
        throw new CorruptRecordException(tp + ": replicated batch with magic " + batch.magic());
      }
      batch.ensureValid();
      if (batch.baseOffset() != expected) {
        throw new CorruptRecordException(
            tp
                + ": replicated batch at offset "
                + batch.baseOffset()
                + ", log ends at "
                + expected);
      }
      expected = batch.lastOffset() + 1;
    }
    if (expected == logEndOffset()) {
      return;
    }
    headers.addAll(BatchHeader.all(records.buffer()));
    // The whole batches only: the trailing part of a cut one is fetched again next time.
    ByteBuffer whole = records.buffer().duplicate();
    whole.limit(whole.position() + headers.stream().mapToInt(BatchHeader::sizeInBytes).sum());
    lock.lock();
    try {
      long first = logEndOffset();
      long now = clock.getAsLong();
      long maxTimestamp = headers.stream().mapToLong(BatchHeader::maxTimestamp).max().orElse(now);
      LogSegment segment = active();
      if (segment.shouldRoll(config, whole.remaining(), expected - 1, maxTimestamp, now)) {
        segment = roll(first);
      }
      long records0 = 0;
      boolean newEpoch = false;
      for (BatchHeader h : headers) {
        newEpoch |= epochs.assign(h.partitionLeaderEpoch(), h.baseOffset());
        records0 += h.lastOffset() - h.baseOffset() + 1;
      }
      if (newEpoch) {
        // Before the batches: a crash in between leaves an epoch past the log end, which loading
        // drops, never a batch whose epoch is unknown.
        checkpointEpochs();
      }
      segment.append(whole);
      updateProducers(whole);
      unflushedMessages += records0;
      if (unflushedMessages >= config.flushMessages()) {
        flushLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes every batch that ends at or after {@code offset}: a follower's log that diverged from
   * its new leader's. Whole batches go (epochs change only between batches, so a divergence point
   * is a batch boundary); the epochs and producer state that they carried go with them, and the
   * high watermark comes down if it was above the new end.
   */
  public void truncateTo(long offset) throws IOException {
    lock.lock();
    try {
      if (offset >= logEndOffset()) {
        return;
      }
      long before = logEndOffset();
      if (offset <= logStartOffset) {
        restartAt(logStartOffset);
      } else {
        while (segments.lastKey() >= offset && segments.size() > 1) {
          segments.pollLastEntry().getValue().delete(deleteDelay());
        }
        LogSegment last = segments.lastEntry().getValue();
        if (last.baseOffset() >= offset) {
          segments.remove(last.baseOffset());
          last.delete(deleteDelay());
          segments.put(offset, LogSegment.create(dir, offset, config, clock.getAsLong(), sync));
        } else {
          segments.remove(last.baseOffset());
          last.close();
          LogSegment reopened =
              LogSegment.open(dir, last.baseOffset(), config, true, clock.getAsLong(), sync);
          reopened.truncateTo(offset);
          segments.put(reopened.baseOffset(), reopened);
        }
      }
      epochs.truncateFromEnd(logEndOffset());
      checkpointEpochs();
      // The snapshots past the new end go; the producer state is loaded again from the latest
      // one left and the batches after it.
      loadState();
      if (highWatermark.offset() > logEndOffset()) {
        highWatermark = endMetadata();
      }
      log.info("{}: truncated from log end offset {} to {}", tp, before, logEndOffset());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Empties the log and starts it at {@code offset}: a follower that fell behind its leader's log
   * start (retention deleted what it would fetch next).
   */
  public void truncateFullyAndStartAt(long offset) throws IOException {
    lock.lock();
    try {
      restartAt(offset);
      epochs.truncateFromEnd(Long.MIN_VALUE);
      checkpointEpochs();
      producers.clear();
      highWatermark = endMetadata();
      log.info("{}: emptied and restarted at offset {}", tp, offset);
    } finally {
      lock.unlock();
    }
  }

  private void restartAt(long offset) throws IOException {
    for (LogSegment s : segments.values()) {
      s.delete(deleteDelay());
    }
    segments.clear();
    for (long snapshot : ProducerSnapshotFile.offsets(dir)) {
      // A history that is gone: no snapshot of it may seed the state of the new one.
      ProducerSnapshotFile.delete(dir, snapshot);
    }
    segments.put(offset, LogSegment.create(dir, offset, config, clock.getAsLong(), sync));
    logStartOffset = offset;
    AtomicFile.write(dir.resolve(LOG_START_FILE), (offset + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The leader epoch of the last batch, -1 when none carries one. */
  public int latestEpoch() {
    return epochs.latestEpoch();
  }

  /**
   * Starts a new active segment at {@code baseOffset}. The old one is fsynced (with its transaction
   * index) before the producer state at {@code baseOffset} is written as a snapshot, so a snapshot
   * never describes batches a crash could take away.
   */
  private LogSegment roll(long baseOffset) throws IOException {
    LogSegment old = active();
    old.onBecomeInactive();
    TransactionIndex.flush(TransactionIndex.file(dir, old.baseOffset()));
    ProducerSnapshotFile.write(dir, baseOffset, producers.entries());
    LogSegment s = LogSegment.create(dir, baseOffset, config, clock.getAsLong(), sync);
    segments.put(baseOffset, s);
    retainSnapshots();
    log.info("{}: rolled new segment at offset {}", tp, baseOffset);
    return s;
  }

  /** fsyncs the active segment (and anything appended since the last flush). */
  public void flush() throws IOException {
    lock.lock();
    try {
      flushLocked();
    } finally {
      lock.unlock();
    }
  }

  private void flushLocked() throws IOException {
    active().flush();
    unflushedMessages = 0;
    lastFlushMs = clock.getAsLong();
  }

  /** Flushes if {@code flush.ms} has passed since the last flush and something is unflushed. */
  public void maybeFlushByTime(long nowMs) throws IOException {
    if (unflushedMessages > 0 && nowMs - lastFlushMs >= config.flushMs()) {
      flush();
    }
  }

  /**
   * Reads from {@code startOffset} up to {@code maxBytes}, never at or past {@code maxOffset} (the
   * high watermark for consumers). Throws {@link OffsetOutOfRangeException} outside [log start, log
   * end].
   */
  public FetchDataInfo read(long startOffset, int maxBytes, boolean minOneMessage)
      throws IOException {
    return read(startOffset, maxBytes, minOneMessage, highWatermark);
  }

  /** Reads as {@link #read} but up to the log end: what a follower replicates. */
  public FetchDataInfo readToEnd(long startOffset, int maxBytes, boolean minOneMessage)
      throws IOException {
    return read(startOffset, maxBytes, minOneMessage, endMetadata());
  }

  private FetchDataInfo read(
      long startOffset, int maxBytes, boolean minOneMessage, LogOffsetMetadata hw)
      throws IOException {
    long start = logStartOffset;
    long end = logEndOffset();
    if (startOffset < start || startOffset > end) {
      throw new OffsetOutOfRangeException(
          "offset " + startOffset + " of " + tp + " is outside [" + start + ", " + end + "]");
    }
    if (startOffset >= hw.offset()) {
      return new FetchDataInfo(startOffset, null);
    }
    Map.Entry<Long, LogSegment> e = segments.floorEntry(startOffset);
    while (e != null && e.getKey() <= hw.segmentBaseOffset()) {
      LogSegment s = e.getValue();
      int maxPosition = s.baseOffset() == hw.segmentBaseOffset() ? hw.position() : s.size();
      FileSlice slice = s.read(startOffset, maxBytes, maxPosition, minOneMessage);
      if (slice != null && slice.size() > 0) {
        return new FetchDataInfo(startOffset, slice);
      }
      e = segments.higherEntry(e.getKey());
    }
    return new FetchDataInfo(startOffset, null);
  }

  /** Moves the high watermark (single replica: to the log end after every append). */
  public void updateHighWatermark(long offset) throws IOException {
    highWatermark = offsetMetadata(offset);
  }

  private LogOffsetMetadata offsetMetadata(long offset) throws IOException {
    LogOffsetMetadata end = endMetadata();
    if (offset >= end.offset()) {
      return end;
    }
    Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
    LogSegment.BatchPosition bp = e.getValue().translateOffset(offset);
    return new LogOffsetMetadata(
        offset, e.getKey(), bp == null ? e.getValue().size() : bp.position());
  }

  /**
   * The last stable offset: the first offset of the earliest open transaction, capped by the high
   * watermark. read_committed consumers never read at or above it.
   */
  public long lastStableOffset() {
    long hw = highWatermark.offset();
    long unstable = producers.firstUnstableOffset();
    return unstable < 0 ? hw : Math.min(unstable, hw);
  }

  /** Reads as {@link #read} but stops at the last stable offset (read_committed). */
  public FetchDataInfo readCommitted(long startOffset, int maxBytes, boolean minOneMessage)
      throws IOException {
    LogOffsetMetadata hw = highWatermark;
    long unstable = producers.firstUnstableOffset();
    LogOffsetMetadata bound =
        unstable < 0 || unstable >= hw.offset() ? hw : offsetMetadata(unstable);
    return read(startOffset, maxBytes, minOneMessage, bound);
  }

  /** Aborted transactions overlapping [{@code from}, {@code to}) (read_committed fetches). */
  public List<ProducerStateManager.AbortedTxn> abortedTransactions(long from, long to) {
    return producers.abortedTransactions(from, to);
  }

  /** The first record with a timestamp at or after {@code timestamp}, if any. */
  public Optional<LogSegment.TimestampOffset> offsetForTimestamp(long timestamp)
      throws IOException {
    long start = logStartOffset;
    for (LogSegment s : segments.values()) {
      if (s.nextOffset() <= start || s.maxTimestamp() < timestamp) {
        continue;
      }
      Optional<LogSegment.TimestampOffset> found = s.findOffsetByTimestamp(timestamp, start);
      if (found.isPresent() && found.get().offset() < highWatermark.offset()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * The record with the largest timestamp below the high watermark (ListOffsets MAX_TIMESTAMP),
   * found by scanning segments' max timestamps then the winning segment.
   */
  public Optional<LogSegment.TimestampOffset> maxTimestampOffset() throws IOException {
    LogSegment best = null;
    for (LogSegment s : segments.values()) {
      if (s.size() > 0 && (best == null || s.maxTimestamp() > best.maxTimestamp())) {
        best = s;
      }
    }
    return best == null
        ? Optional.empty()
        : best.findOffsetByTimestamp(best.maxTimestamp(), logStartOffset);
  }

  /**
   * DeleteRecords: moves the log start offset to {@code offset} (at most the high watermark),
   * persists it, and deletes segments wholly below it. Returns the new log start offset.
   */
  public long deleteRecordsBefore(long offset) throws IOException {
    if (!config.delete()) {
      // As Kafka: records of a compact-only topic are removed by compaction, never by request.
      throw new PolicyViolationException(
          "Records of partition " + tp + " can not be deleted due to the configured policy");
    }
    lock.lock();
    try {
      if (offset > highWatermark.offset() || offset < 0) {
        throw new OffsetOutOfRangeException(
            "cannot delete records of "
                + tp
                + " before "
                + offset
                + ", high watermark is "
                + highWatermark.offset());
      }
      if (offset > logStartOffset) {
        logStartOffset = offset;
        producers.forgetAbortedBefore(logStartOffset);
        AtomicFile.write(
            dir.resolve(LOG_START_FILE), (offset + "\n").getBytes(StandardCharsets.UTF_8));
        deleteSegmentsBelowStart();
        retainSnapshots();
      }
      return logStartOffset;
    } finally {
      lock.unlock();
    }
  }

  private void deleteSegmentsBelowStart() throws IOException {
    while (segments.size() > 1) {
      LogSegment first = segments.firstEntry().getValue();
      if (first.nextOffset() > logStartOffset) {
        break;
      }
      deleteSegment(first, "below log start offset " + logStartOffset);
    }
  }

  private void deleteSegment(LogSegment s, String reason) throws IOException {
    segments.remove(s.baseOffset());
    s.delete(deleteDelay());
    log.info("{}: deleted segment {} ({})", tp, s.baseOffset(), reason);
  }

  /**
   * Retention: deletes whole inactive segments older than {@code retention.ms} (by their newest
   * timestamp) or while the log exceeds {@code retention.bytes}. Returns how many were deleted.
   */
  public int deleteOldSegments(long nowMs) throws IOException {
    LogConfig cfg = config;
    if (!cfg.delete()) {
      return 0;
    }
    lock.lock();
    try {
      int deleted = 0;
      long total = segments.values().stream().mapToLong(LogSegment::size).sum();
      while (segments.size() > 1) {
        LogSegment first = segments.firstEntry().getValue();
        boolean expired =
            cfg.retentionMs() >= 0 && nowMs - first.maxTimestamp() > cfg.retentionMs();
        boolean oversize =
            cfg.retentionBytes() >= 0 && total - first.size() >= cfg.retentionBytes();
        if (!expired && !oversize) {
          break;
        }
        total -= first.size();
        deleteSegment(first, expired ? "retention.ms" : "retention.bytes");
        deleted++;
      }
      if (deleted > 0 && segments.firstKey() > logStartOffset) {
        logStartOffset = segments.firstKey();
        producers.forgetAbortedBefore(logStartOffset);
      }
      if (deleted > 0) {
        retainSnapshots();
      }
      return deleted;
    } finally {
      lock.unlock();
    }
  }

  /** Where {@code epoch} ends in this log (OffsetForLeaderEpoch). */
  public LeaderEpochCache.EpochEnd endOffsetForEpoch(int epoch) {
    return epochs.endOffsetFor(epoch, logEndOffset());
  }

  /**
   * Compacts the inactive segments ({@link LogCleaner}) as Kafka's cleaner chooses: only segments
   * whose newest record is at least {@code min.compaction.lag.ms} old, and only when the bytes not
   * compacted yet exceed {@code min.cleanable.dirty.ratio} of them, or the oldest such record is
   * older than {@code max.compaction.lag.ms}. Returns the bytes removed. Each cleaned segment
   * replaces its original under the log's lock: {@code .cleaned} → {@code .swap} (complete) →
   * {@code .log}, so a crash at any step leaves either the old or the new segment, never neither
   * (see {@link #load}).
   */
  public long compact(long nowMs) throws IOException {
    LogConfig cfg = config;
    if (!cfg.compact()) {
      return 0;
    }
    List<LogSegment> inactive = new ArrayList<>();
    long unstable = producers.firstUnstableOffset();
    for (LogSegment s : segments.headMap(active().baseOffset()).values()) {
      if (nowMs - s.maxTimestamp() < cfg.minCompactionLagMs()) {
        break;
      }
      if (unstable >= 0 && s.nextOffset() > unstable) {
        // As Kafka: nothing at or above the first open transaction is cleaned (its outcome is
        // not known yet).
        break;
      }
      inactive.add(s);
    }
    List<LogSegment> dirty = inactive.stream().filter(s -> s.baseOffset() >= cleanedUpTo).toList();
    if (dirty.isEmpty()) {
      return 0;
    }
    long dirtyBytes = dirty.stream().mapToLong(LogSegment::size).sum();
    long totalBytes = inactive.stream().mapToLong(LogSegment::size).sum();
    boolean overdue = nowMs - dirty.get(0).firstBatchTimestamp() > cfg.maxCompactionLagMs();
    if (!overdue && dirtyBytes <= cfg.minCleanableDirtyRatio() * totalBytes) {
      return 0;
    }
    List<ProducerStateManager.AbortedTxn> aborted =
        producers.abortedTransactions(0, Long.MAX_VALUE);
    Map<java.nio.ByteBuffer, Long> latest =
        LogCleaner.buildOffsetMap(
            inactive,
            (producerId, offset) ->
                aborted.stream()
                    .anyMatch(t ->
                        t.producerId() == producerId
                            && t.firstOffset() <= offset
                            && offset <= t.lastOffset()));
    long removed = 0;
    for (LogSegment s : inactive) {
      Path cleaned = dir.resolve(LogSegment.fileName(s.baseOffset(), ".log.cleaned"));
      int size = LogCleaner.filterSegment(s, latest, nowMs, cfg.deleteRetentionMs(), cleaned);
      lock.lock();
      try {
        if (segments.get(s.baseOffset()) != s) {
          Files.deleteIfExists(cleaned);
          continue;
        }
        Path swap = dir.resolve(LogSegment.fileName(s.baseOffset(), ".log.swap"));
        Files.move(cleaned, swap, StandardCopyOption.ATOMIC_MOVE);
        removed += s.size() - size;
        s.deleteForReplacement(deleteDelay());
        Files.move(swap, s.file(), StandardCopyOption.ATOMIC_MOVE);
        segments.put(
            s.baseOffset(),
            LogSegment.open(dir, s.baseOffset(), cfg, false, clock.getAsLong(), sync));
      } finally {
        lock.unlock();
      }
    }
    cleanedUpTo = inactive.get(inactive.size() - 1).nextOffset();
    log.info("{}: compacted {} segments, {} bytes removed", tp, inactive.size(), removed);
    return removed;
  }

  private java.time.Duration deleteDelay() {
    return java.time.Duration.ofMillis(config.fileDeleteDelayMs());
  }

  public TopicPartition topicPartition() {
    return tp;
  }

  public Path dir() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  public void updateConfig(LogConfig config) {
    this.config = config;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return active().nextOffset();
  }

  public long highWatermark() {
    return highWatermark.offset();
  }

  public int numberOfSegments() {
    return segments.size();
  }

  public long size() {
    return segments.values().stream().mapToLong(LogSegment::size).sum();
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      flushLocked();
      // After the flush (and the transaction index's, which the snapshot makes the next load
      // trust), so it describes only durable batches: the next start replays nothing.
      TransactionIndex.flush(TransactionIndex.file(dir, active().baseOffset()));
      ProducerSnapshotFile.write(dir, logEndOffset(), producers.entries());
      retainSnapshots();
      for (LogSegment s : segments.values()) {
        s.close();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Closes the log and removes its directory (topic deletion). */
  public void delete() throws IOException {
    lock.lock();
    try {
      for (LogSegment s : segments.values()) {
        s.delete(deleteDelay());
      }
      segments.clear();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    } finally {
      lock.unlock();
    }
  }
}
