package dev.cairn.cache.rdb;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.server.CommandError;
import dev.cairn.common.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RDB persistence for one cache: loading {@code dir}/{@code dbfilename} at start-up, SAVE, BGSAVE
 * (fork-less, see {@link BackgroundSave}), the {@code save} rules, and the state INFO persistence,
 * LASTSAVE and {@code stop-writes-on-bgsave-error} read.
 *
 * <p>Every save writes a temp file, fsyncs it and renames it over the target, so a failed or
 * interrupted save leaves the previous file intact. Keyspace thread only (the writer thread of a
 * background save reports back through it).
 */
public final class Persistence {
  private static final Logger log = LoggerFactory.getLogger(Persistence.class);

  /** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed save, rules wait this long to retry. */
  private static final long RETRY_DELAY_SECONDS = 5;

  private final Keyspace keyspace;
  private final Encodings encodings;
  private final String version;
  private ScheduledExecutorService keyspaceThread;
  private Path file;
  private boolean compress;
  private boolean checksum;
  private boolean stopWritesOnError;
  private SaveRules rules = SaveRules.parse("");
  private BackgroundSave running;
  private boolean scheduled;
  private long lastSaveMillis = System.currentTimeMillis();
  private long lastAttemptMillis;
  private boolean lastBgsaveOk = true;
  private long lastBgsaveSeconds = -1;
  private long saves;
  private long lastPeakPendingBytes;
  private long loadedKeys;
  private long loadedExpired;
  private long dirtyAtStart;
  private Map<String, String> loadedAux = Map.of();
  private java.util.function.Supplier<Map<String, String>> extraAux = Map::of;

  /** Persistence for {@code keyspace}, whose values load under the live {@code encodings}. */
  public Persistence(Keyspace keyspace, Encodings encodings, String version) {
    this.keyspace = keyspace;
    this.encodings = encodings;
    this.version = version;
  }

  private FunctionLibraries functions = FunctionLibraries.NONE;

  /** Where the FUNCTION libraries saved with the data set come from and load into. */
  public void functions(FunctionLibraries libraries) {
    this.functions = libraries;
  }

  /** The FUNCTION libraries saved with the data set (an AOF base with an RDB preamble too). */
  public FunctionLibraries functions() {
    return functions;
  }

  /**
   * Loads the libraries an RDB file ({@code file}) carried; one that does not load fails the load
   * as a flawed file does.
   */
  public void restoreFunctions(Path file, List<byte[]> codes) throws RdbLoadException {
    for (byte[] code : codes) {
      try {
        functions.restore(code);
      } catch (IllegalArgumentException e) {
        throw new RdbLoadException(file, "a function library does not load: " + e.getMessage(), e);
      }
    }
  }

  /** Applies the persistence keys of a (validated) configuration. */
  public void configure(CacheConfig config) {
    file = Path.of(config.get(CacheConfig.DIR)).resolve(config.get(CacheConfig.DBFILENAME));
    compress = config.get(CacheConfig.RDBCOMPRESSION);
    checksum = config.get(CacheConfig.RDBCHECKSUM);
    stopWritesOnError = config.get(CacheConfig.STOP_WRITES_ON_BGSAVE_ERROR);
    rules = SaveRules.parse(config.get(CacheConfig.SAVE));
  }

  /** The thread that owns the keyspace, which background saves walk on. */
  public void attach(ScheduledExecutorService keyspaceThread) {
    this.keyspaceThread = keyspaceThread;
  }

  public Path file() {
    return file;
  }

  public SaveRules rules() {
    return rules;
  }

  /**
   * Aux fields every save adds, taken when its snapshot starts: replication's id and offset, so a
   * restarted replica can continue its primary's stream from the point the file holds.
   */
  public void extraAux(java.util.function.Supplier<Map<String, String>> fields) {
    this.extraAux = fields;
  }

  /** The aux fields of the file loaded at start-up (empty if none was). */
  public Map<String, String> loadedAux() {
    return loadedAux;
  }

  /**
   * Loads the RDB file if there is one (before serving). A flawed file throws {@link
   * RdbLoadException}: the cache must not start on part of its data.
   */
  public void load() throws IOException {
    AtomicFile.deleteStaleTemps(file);
    if (!Files.exists(file)) {
      log.info("cache starts empty: no RDB file at {}", file.toAbsolutePath());
      return;
    }
    long start = System.nanoTime();
    RdbLoader.Result r = RdbLoader.load(file, keyspace, encodings);
    restoreFunctions(file, r.functions());
    loadedKeys = r.keys();
    loadedAux = r.aux();
    loadedExpired = r.expiredSkipped();
    keyspace.dirty = 0;
    log.info(
        "cache loaded {}: {} keys ({} already expired, skipped) in {} ms, written by redis-ver {}",
        file.toAbsolutePath(),
        r.keys(),
        r.expiredSkipped(),
        (System.nanoTime() - start) / 1_000_000,
        r.aux().getOrDefault("redis-ver", "?"));
  }

  // ---- SAVE ----

  /** SAVE: writes the file on this thread, blocking every client as Redis does. */
  public void save() throws IOException {
    if (running != null || keyspace.snapshotRunning()) {
      // one snapshot at a time: an AOF rewrite's holds the keyspace's epochs
      throw new CommandError("ERR Background save already in progress");
    }
    long start = System.nanoTime();
    lastAttemptMillis = System.currentTimeMillis();
    long keys;
    try {
      keys =
          Snapshot.writeNow(
              file,
              keyspace,
              new RdbSnapshotFormat(keyspace, compress, checksum, aux(), functions.codes()));
    } catch (IOException e) {
      log.warn("cache SAVE to {} failed: {}", file.toAbsolutePath(), e.toString());
      throw e;
    }
    saved(keys, System.nanoTime() - start, "SAVE");
  }

  private Map<String, String> aux() {
    Map<String, String> aux =
        RdbSnapshotFormat.aux(version, keyspace.usedMemory(), System.currentTimeMillis(), false);
    aux.putAll(extraAux.get());
    return aux;
  }

  private void saved(long keys, long nanos, String how) {
    lastSaveMillis = System.currentTimeMillis();
    keyspace.dirty = 0;
    saves++;
    log.info(
        "cache {} wrote {} keys to {} in {} ms",
        how,
        keys,
        file.toAbsolutePath(),
        nanos / 1_000_000);
  }

  // ---- BGSAVE ----

  public boolean bgsaveInProgress() {
    return running != null;
  }

  /**
   * BGSAVE [SCHEDULE]: the reply's status text, or a CommandError. Inside MULTI the save is
   * scheduled for the next cron tick, as Redis does; SCHEDULE otherwise starts at once, there being
   * no other child process to wait for.
   */
  public String bgsave(boolean inTransaction, boolean schedule) {
    if (running != null) {
      throw new CommandError("ERR Background save already in progress");
    }
    if (inTransaction) {
      scheduled = true;
      return "Background saving scheduled";
    }
    if (keyspace.snapshotRunning()) {
      if (schedule) {
        scheduled = true;
        return "Background saving scheduled";
      }
      throw new CommandError(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE"
              + " SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    startBackgroundSave("BGSAVE");
    return "Background saving started";
  }

  private void startBackgroundSave(String why) {
    if (keyspaceThread == null) {
      throw new IllegalStateException("persistence not attached to the keyspace thread");
    }
    lastAttemptMillis = System.currentTimeMillis();
    dirtyAtStart = keyspace.dirty;
    running =
        new BackgroundSave(
            keyspace,
            file,
            new RdbSnapshotFormat(keyspace, compress, checksum, aux(), functions.codes()),
            keyspaceThread,
            this::backgroundDone);
    running.start();
    log.info("cache background save started ({}): {} keys", why, running.keysTotal());
  }

  private void backgroundDone(BackgroundSave.Outcome o) {
    running = null;
    lastBgsaveOk = o.ok();
    lastBgsaveSeconds = o.nanos() / 1_000_000_000;
    lastPeakPendingBytes = o.peakPendingBytes();
    if (o.ok()) {
      long during = keyspace.dirty - dirtyAtStart;
      saved(o.keys(), o.nanos(), "BGSAVE");
      keyspace.dirty = during;
    } else {
      log.warn(
          "cache background save to {} failed, the previous file is kept: {}",
          file.toAbsolutePath(),
          o.error().toString());
    }
  }

  /** Every 100 ms: a scheduled BGSAVE, or one a save rule calls for. */
  public void cron() {
    if (running != null || keyspaceThread == null || keyspace.snapshotRunning()) {
      return;
    }
    if (scheduled) {
      scheduled = false;
      startBackgroundSave("scheduled");
      return;
    }
    long now = System.currentTimeMillis();
    SaveRules.Rule due = rules.due(keyspace.dirty, (now - lastSaveMillis) / 1000);
    boolean mayRetry = lastBgsaveOk || (now - lastAttemptMillis) / 1000 > RETRY_DELAY_SECONDS;
    if (due != null && mayRetry) {
      startBackgroundSave(due.changes() + " changes in " + due.seconds() + " seconds");
    }
  }

  /** Before the process stops: ends a background save and saves synchronously. */
  public void saveForShutdown() throws IOException {
    if (running != null) {
      log.info("cache shutdown: cancelling the background save to save in the foreground");
      running.cancel();
      running = null;
    }
    save();
  }

  /** Whether writes are refused (MISCONF): the last background save failed and rules are set. */
  public boolean writesRefused() {
    return stopWritesOnError && !rules.isEmpty() && !lastBgsaveOk;
  }

  // ---- INFO persistence ----

  /** The INFO persistence fields this class owns, in Redis's order. */
  public void info(StringBuilder sb) {
    long total = running == null ? 0 : running.keysTotal();
    long processed = running == null ? 0 : running.keysWritten();
    field(sb, "current_save_keys_processed", processed);
    field(sb, "current_save_keys_total", total);
    field(sb, "rdb_changes_since_last_save", keyspace.dirty);
    field(sb, "rdb_bgsave_in_progress", running == null ? 0 : 1);
    field(sb, "rdb_last_save_time", lastSaveMillis / 1000);
    field(sb, "rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
    field(sb, "rdb_last_bgsave_time_sec", lastBgsaveSeconds);
    field(
        sb,
        "rdb_current_bgsave_time_sec",
        running == null ? -1 : running.elapsedNanos() / 1_000_000_000);
    field(sb, "rdb_saves", saves);
    field(sb, "rdb_last_cow_size", lastPeakPendingBytes);
    field(sb, "rdb_last_load_keys_expired", loadedExpired);
    field(sb, "rdb_last_load_keys_loaded", loadedKeys);
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  /** LASTSAVE: when the last successful save finished, in seconds. */
  public long lastSaveSeconds() {
    return lastSaveMillis / 1000;
  }
}
