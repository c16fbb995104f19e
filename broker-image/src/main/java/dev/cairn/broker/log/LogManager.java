package dev.cairn.broker.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of this broker over its {@code log.dirs}.
 *
 * <p>Placement: a new partition goes to the log directory holding the fewest partition directories
 * (ties: the first listed). Start-up loads every {@code <topic>-<partition>} directory; a directory
 * without the {@value #CLEAN_SHUTDOWN} marker was not closed cleanly, so its logs' active segments
 * are recovered. The marker is removed at start and written after every log is flushed and closed
 * at shutdown.
 *
 * <p>Background work on the given scheduler: retention every {@code
 * log.retention.check.interval.ms}, time-based flushing every second, and producer id expiry every
 * {@code producer.id.expiration.check.interval.ms}.
 *
 * <p>A log directory whose disk fails (an fsync or write error) goes offline, as in Kafka: its logs
 * are dropped from service at once — never written again, never served, not recreated elsewhere —
 * and listeners hear which partitions were lost; the broker decides what follows (with no log
 * directory left, it stops). The directory is not marked clean at shutdown, so the next start
 * recovers it.
 */
public final class LogManager implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LogManager.class);
  static final String CLEAN_SHUTDOWN = ".clean-shutdown";

  private final List<Path> dirs;
  private final Function<String, LogConfig> configs;
  private final LongSupplier clock;
  private final FileSync sync;
  private final Map<TopicPartition, UnifiedLog> logs = new ConcurrentHashMap<>();
  private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();
  private final Set<TopicPartition> offlinePartitions = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<Path, Set<TopicPartition>>> offlineListeners =
      new CopyOnWriteArrayList<>();

  public LogManager(
      List<Path> dirs, Function<String, LogConfig> configs, LongSupplier clock, FileSync sync) {
    this.dirs = List.copyOf(dirs);
    this.configs = configs;
    this.clock = clock;
    this.sync = sync;
  }

  /** Called with a directory that went offline and the partitions whose logs were in it. */
  public void onDirOffline(BiConsumer<Path, Set<TopicPartition>> listener) {
    offlineListeners.add(listener);
  }

  /**
   * A log operation failed with an I/O error: the log's directory goes offline. Returns the error
   * clients get for it (KAFKA_STORAGE_ERROR).
   */
  public KafkaStorageException failed(UnifiedLog l, IOException cause) {
    Path dir = l.dir().getParent();
    if (offlineDirs.add(dir)) {
      Set<TopicPartition> lost = new TreeSet<>(Comparator.comparing(TopicPartition::toString));
      logs.values()
          .removeIf(other -> {
            if (other.dir().getParent().equals(dir)) {
              lost.add(other.topicPartition());
              return true;
            }
            return false;
          });
      offlinePartitions.addAll(lost);
      log.error(
          "log dir {} is offline after {} on {}: partitions {} are offline",
          dir,
          cause.toString(),
          l.topicPartition(),
          lost);
      offlineListeners.forEach(listener -> listener.accept(dir, Set.copyOf(lost)));
    }
    return new KafkaStorageException(
        "Log dir " + dir + " of " + l.topicPartition() + " is offline", cause);
  }

  /** Log directories that have not failed. */
  public List<Path> onlineDirs() {
    return dirs.stream().filter(d -> !offlineDirs.contains(d)).toList();
  }

  /** Loads every partition log found in the log directories. */
  public void loadAll() throws IOException {
    for (Path dir : dirs) {
      Files.createDirectories(dir);
      Path marker = dir.resolve(CLEAN_SHUTDOWN);
      List<Path> partitionDirs;
      try (Stream<Path> children = Files.list(dir)) {
        partitionDirs =
            children
                .filter(Files::isDirectory)
                .filter(p -> UnifiedLog.parseDirName(p.getFileName().toString()) != null)
                .toList();
      }
      // A directory that holds no log yet has nothing to recover.
      boolean clean = Files.exists(marker) || partitionDirs.isEmpty();
      Files.deleteIfExists(marker);
      Map<TopicPartition, Long> highWatermarks = HighWatermarkCheckpoint.read(dir);
      for (Path child : partitionDirs) {
        TopicPartition tp = UnifiedLog.parseDirName(child.getFileName().toString());
        UnifiedLog l = UnifiedLog.load(tp, child, configs.apply(tp.topic()), clean, clock, sync);
        // Without a checkpoint the high watermark starts at the log start: what is committed
        // is learnt again from the ISR (at once for a partition with one replica).
        l.updateHighWatermark(
            Math.max(
                l.logStartOffset(),
                Math.min(highWatermarks.getOrDefault(tp, 0L), l.logEndOffset())));
        logs.put(tp, l);
      }
      log.info("log dir {} loaded ({} shutdown)", dir, clean ? "clean" : "unclean");
    }
  }

  /**
   * Starts retention, compaction, time-based flushing, high watermark checkpoints and producer id
   * expiry ({@code producer.id.expiration.ms}, read from {@code producerIdExpirationMs} at each
   * pass so a dynamic change applies at the next one).
   */
  public void startBackgroundTasks(
      ScheduledExecutorService scheduler,
      long retentionCheckMs,
      long cleanerBackoffMs,
      long highWatermarkCheckpointMs,
      long producerIdExpirationCheckMs,
      LongSupplier producerIdExpirationMs) {
    scheduler.scheduleWithFixedDelay(
        () -> expireProducerIds(producerIdExpirationMs.getAsLong()),
        producerIdExpirationCheckMs,
        producerIdExpirationCheckMs,
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::runRetention, retentionCheckMs, retentionCheckMs, TimeUnit.MILLISECONDS);
    if (cleanerBackoffMs > 0) {
      scheduler.scheduleWithFixedDelay(
          this::runCleaner, cleanerBackoffMs, cleanerBackoffMs, TimeUnit.MILLISECONDS);
    }
    scheduler.scheduleWithFixedDelay(this::flushByTime, 1000, 1000, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::checkpointHighWatermarks,
        highWatermarkCheckpointMs,
        highWatermarkCheckpointMs,
        TimeUnit.MILLISECONDS);
  }

  /** Writes every online log dir's {@code replication-offset-checkpoint}. */
  public void checkpointHighWatermarks() {
    for (Path dir : onlineDirs()) {
      Map<TopicPartition, Long> offsets =
          new java.util.TreeMap<>(
              Comparator.comparing(TopicPartition::topic)
                  .thenComparingInt(TopicPartition::partition));
      for (UnifiedLog l : logs.values()) {
        if (l.dir().getParent().equals(dir)) {
          offsets.put(l.topicPartition(), l.highWatermark());
        }
      }
      try {
        HighWatermarkCheckpoint.write(dir, offsets);
      } catch (IOException e) {
        log.error("{}: could not checkpoint high watermarks", dir, e);
      }
    }
  }

  /** One retention pass over every log (also called by tests). */
  public void runRetention() {
    long now = clock.getAsLong();
    for (UnifiedLog l : logs.values()) {
      try {
        l.deleteOldSegments(now);
      } catch (IOException e) {
        failed(l, e);
      } catch (RuntimeException e) {
        log.warn("{}: retention failed: {}", l.topicPartition(), e.toString());
      }
    }
  }

  /** One producer id expiry pass over every log (also called by tests). */
  public void expireProducerIds(long expirationMs) {
    long now = clock.getAsLong();
    for (UnifiedLog l : logs.values()) {
      try {
        l.removeExpiredProducers(now, expirationMs);
      } catch (RuntimeException e) {
        log.warn("{}: producer id expiry failed: {}", l.topicPartition(), e.toString());
      }
    }
  }

  /** One compaction pass over every compacted log. */
  public void runCleaner() {
    long now = clock.getAsLong();
    for (UnifiedLog l : logs.values()) {
      try {
        l.compact(now);
      } catch (IOException e) {
        failed(l, e);
      } catch (RuntimeException e) {
        log.warn("{}: compaction failed: {}", l.topicPartition(), e.toString());
      }
    }
  }

  private void flushByTime() {
    long now = clock.getAsLong();
    for (UnifiedLog l : logs.values()) {
      try {
        l.maybeFlushByTime(now);
      } catch (IOException e) {
        failed(l, e);
      } catch (RuntimeException e) {
        log.warn("{}: flush failed: {}", l.topicPartition(), e.toString());
      }
    }
  }

  public UnifiedLog get(TopicPartition tp) {
    return logs.get(tp);
  }

  /**
   * The partition's log, created in the least-used online log directory if it does not exist yet;
   * KAFKA_STORAGE_ERROR when its log was on a directory that went offline (its data is there).
   */
  public synchronized UnifiedLog getOrCreate(TopicPartition tp) throws IOException {
    UnifiedLog existing = logs.get(tp);
    if (existing != null) {
      return existing;
    }
    if (offlinePartitions.contains(tp)) {
      throw new KafkaStorageException("The log of " + tp + " is on an offline log dir");
    }
    Path dir = leastLoadedDir().resolve(UnifiedLog.dirName(tp));
    UnifiedLog l = UnifiedLog.load(tp, dir, configs.apply(tp.topic()), true, clock, sync);
    logs.put(tp, l);
    log.info("{}: created log in {}", tp, dir.getParent());
    return l;
  }

  private Path leastLoadedDir() throws IOException {
    Path best = null;
    long bestCount = Long.MAX_VALUE;
    for (Path dir : onlineDirs()) {
      long count;
      try (Stream<Path> children = Files.list(dir)) {
        count =
            children
                .filter(Files::isDirectory)
                .filter(p -> UnifiedLog.parseDirName(p.getFileName().toString()) != null)
                .count();
      }
      if (count < bestCount) {
        best = dir;
        bestCount = count;
      }
    }
    if (best == null) {
      throw new KafkaStorageException("Every log dir is offline");
    }
    return best;
  }

  /** Deletes a partition's log and its directory (topic deletion). */
  public void delete(TopicPartition tp) throws IOException {
    UnifiedLog l = logs.remove(tp);
    if (l != null) {
      l.delete();
      log.info("{}: deleted log", tp);
    }
  }

  /** Re-reads the topic's configuration into its logs (after AlterConfigs). */
  public void reconfigure(String topic) {
    LogConfig cfg = configs.apply(topic);
    for (UnifiedLog l : logs.values()) {
      if (l.topicPartition().topic().equals(topic)) {
        l.updateConfig(cfg);
      }
    }
  }

  public Collection<UnifiedLog> all() {
    return logs.values();
  }

  public List<Path> dirs() {
    return dirs;
  }

  @Override
  public void close() throws IOException {
    List<IOException> failures = new ArrayList<>();
    for (UnifiedLog l :
        logs.values().stream().sorted(Comparator.comparing(UnifiedLog::dir)).toList()) {
      try {
        l.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    checkpointHighWatermarks();
    for (Path dir : onlineDirs()) {
      Files.writeString(dir.resolve(CLEAN_SHUTDOWN), "");
    }
    log.info("all logs closed cleanly");
  }
}
