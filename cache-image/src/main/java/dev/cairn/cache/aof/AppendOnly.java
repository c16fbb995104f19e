package dev.cairn.cache.aof;

import dev.cairn.cache.aof.AofManifest.AofFile;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.propagation.EffectEncoder;
import dev.cairn.cache.propagation.Propagation;
import dev.cairn.cache.rdb.BackgroundSave;
import dev.cairn.cache.rdb.RdbSnapshotFormat;
import dev.cairn.cache.rdb.Snapshot;
import dev.cairn.cache.rdb.SnapshotFormat;
import dev.cairn.cache.server.CommandError;
import dev.cairn.cache.server.HeldReplies;
import dev.cairn.cache.server.Server;
import dev.cairn.common.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only file, as Redis 7.0's multi-part AOF: in {@code dir}/{@code appenddirname}, a
 * manifest ({@link AofManifest}) names a base file — an RDB snapshot ({@code aof-use-rdb-preamble
 * yes}) or commands — and incremental files of the commands' effects since, in Redis's RESP form
 * (the files Redis writes, loads and {@code redis-check-aof} checks).
 *
 * <p><b>Writing.</b> A {@link Propagation} listener encodes each effect into a buffer; once per
 * event-loop turn the buffer is written to the current incremental file, and with {@code
 * appendfsync always} fsynced, before the replies of that turn go out ({@link HeldReplies}): a
 * reply is never sent ahead of the write it acknowledges, and every client of the turn shares one
 * fsync (group commit). {@code everysec} fsyncs on a background thread once a second; {@code no}
 * leaves it to the OS. A failed write with {@code always} stops the process, as Redis does (a reply
 * may already promise the write); otherwise writes are refused (MISCONF) until a retry succeeds.
 *
 * <p><b>Rewriting</b> (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes). Without fork:
 * on one keyspace-thread step the buffer is flushed, a new incremental file is opened and recorded
 * in the manifest, and a point-in-time {@link Snapshot} starts (BGSAVE's mechanism), which a writer
 * thread turns into the new base file while commands go on into the new incremental file. When the
 * base is complete (temp file, fsync, rename, directory fsync) the manifest is replaced last,
 * atomically, naming the new base and the incremental files after it; the files it replaced become
 * history and are deleted. A crash at any point leaves a manifest naming only complete files.
 *
 * <p><b>Loading</b>: with {@code appendonly yes} the AOF is loaded and the RDB file is not, as in
 * Redis ({@link AofLoader}). Keyspace thread only, but for the everysec fsync thread, which reads
 * the current file and its written size.
 */
public final class AppendOnly implements Propagation.Listener, HeldReplies.Log {
  private static final Logger log = LoggerFactory.getLogger(AppendOnly.class);

  /** AOF_OFF, AOF_ON, and AOF_WAIT_REWRITE: switched on live, waiting for its first base. */
  private enum State {
    OFF,
    ON,
    WAIT_REWRITE
  }

  private final Server server;
  private final String version;
  private ScheduledExecutorService loop;

  // configuration
  private boolean wanted;
  private Path dir;
  private String filename;
  private FsyncPolicy fsync = FsyncPolicy.EVERYSEC;
  private boolean rdbPreamble;
  private boolean loadTruncated;
  private boolean noFsyncOnRewrite;
  private int autoPercentage;
  private long autoMinSize;
  private boolean rdbCompression;
  private boolean rdbChecksum;

  // state
  private State state = State.OFF;
  private AofManifest manifest = AofManifest.empty();
  private final AofBuffer buffer = new AofBuffer();
  private final EffectEncoder encoder = new EffectEncoder();
  private volatile FileChannel incr;
  private volatile long incrSize;
  private volatile long incrSynced;
  private boolean writeScheduled;
  private long currentSize;
  private long baseSize;
  private ScheduledExecutorService fsyncThread;
  private volatile String fsyncError;
  private String writeError;

  // rewrite
  private BackgroundSave rewrite;
  private long rewriteStarted;
  private boolean rewriteScheduled;
  private boolean lastRewriteOk = true;
  private long lastRewriteSeconds = -1;
  private long rewrites;
  private long consecutiveFailures;
  private long lastRewritePeakBytes;

  public AppendOnly(Server server, String version) {
    this.server = server;
    this.version = version;
  }

  /**
   * Applies the AOF keys of a (validated) configuration; once serving, {@code appendonly} switches
   * the AOF on (a rewrite writes its first base) or off at once, as CONFIG SET does in Redis.
   */
  public void configure(CacheConfig config) {
    Path nextDir =
        Path.of(config.get(CacheConfig.DIR)).resolve(config.get(CacheConfig.APPENDDIRNAME));
    if (state == State.OFF) {
      dir = nextDir;
      filename = config.get(CacheConfig.APPENDFILENAME);
    }
    fsync = FsyncPolicy.of(config.get(CacheConfig.APPENDFSYNC));
    rdbPreamble = config.get(CacheConfig.AOF_USE_RDB_PREAMBLE);
    loadTruncated = config.get(CacheConfig.AOF_LOAD_TRUNCATED);
    noFsyncOnRewrite = config.get(CacheConfig.NO_APPENDFSYNC_ON_REWRITE);
    autoPercentage = config.get(CacheConfig.AUTO_AOF_REWRITE_PERCENTAGE);
    autoMinSize = config.get(CacheConfig.AUTO_AOF_REWRITE_MIN_SIZE);
    rdbCompression = config.get(CacheConfig.RDBCOMPRESSION);
    rdbChecksum = config.get(CacheConfig.RDBCHECKSUM);
    boolean next = config.get(CacheConfig.APPENDONLY);
    if (loop != null && next != wanted) {
      if (next) {
        startLive();
      } else {
        stop();
      }
    }
    wanted = next;
  }

  public boolean enabled() {
    return state != State.OFF;
  }

  // ---- start-up ----

  /**
   * Loads the dataset before serving: the AOF when {@code appendonly yes} (the RDB file is then not
   * read, as in Redis), else the RDB file. A flawed AOF throws {@link AofLoadException}.
   */
  public void load() throws IOException {
    if (!wanted) {
      server.persistence.load();
      return;
    }
    deleteTemps();
    manifest = readManifest();
    upgradeSingleFile();
    if (manifest.isEmpty()) {
      log.info(
          "cache starts empty: no AOF in {} (with appendonly yes the RDB file is not loaded, as in"
              + " Redis)",
          dir.toAbsolutePath());
      return;
    }
    long start = System.nanoTime();
    currentSize = new AofLoader(server, dir, loadTruncated).load(manifest);
    baseSize = manifest.base() == null ? 0 : Files.size(dir.resolve(manifest.base().name()));
    log.info(
        "cache loaded the AOF in {}: {} keys from {} files in {} ms",
        dir.toAbsolutePath(),
        server.keyspace.keys(),
        manifest.loadOrder().size(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Serving starts on {@code keyspaceThread}: opens the AOF for appending if it is on. */
  public void start(ScheduledExecutorService keyspaceThread) throws IOException {
    this.loop = keyspaceThread;
    if (wanted) {
      open();
    }
  }

  /** aofOpenIfNeededOnServerStart: a base for an empty AOF, the last incr file opened to append. */
  private void open() throws IOException {
    Files.createDirectories(dir);
    if (manifest.isEmpty()) {
      String baseName = manifest.nextBaseName(filename, rdbPreamble);
      Snapshot.writeNow(dir.resolve(baseName), server.keyspace, baseFormat());
      manifest = manifest.rewritten(baseName, 0);
      log.info("cache created AOF base file {} on start", baseName);
    }
    if (manifest.lastIncr() == null) {
      manifest = manifest.withNewIncr(filename);
    }
    String name = manifest.lastIncr().name();
    FileChannel ch =
        FileChannel.open(
            dir.resolve(name),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    persist(manifest);
    incr = ch;
    incrSize = ch.size();
    incrSynced = incrSize;
    currentSize = totalSize();
    baseSize = manifest.base() == null ? 0 : Files.size(dir.resolve(manifest.base().name()));
    turnOn(State.ON);
    log.info("cache AOF on: appending to {} (appendfsync {})", dir.resolve(name), fsyncName());
  }

  private void turnOn(State s) {
    state = s;
    encoder.reset();
    server.propagation.addListener(this);
    server.heldReplies.gate(this);
    fsyncThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("cache-aof-fsync").daemon().unstarted(r));
    fsyncThread.scheduleAtFixedRate(this::fsyncEverySecond, 1, 1, TimeUnit.SECONDS);
  }

  // ---- writing ----

  @Override
  public void propagate(int db, byte[][] argv) {
    if (state == State.WAIT_REWRITE && rewrite == null) {
      return; // the rewrite about to start snapshots this effect; as Redis, nothing is buffered
    }
    encoder.encode(buffer, db, argv);
    if (!writeScheduled) {
      writeScheduled = true;
      // after every channel read in this loop turn: one write (and fsync) for all of them
      loop.execute(this::writeAndRelease);
    }
  }

  private void writeAndRelease() {
    writeScheduled = false;
    writeNow();
    server.heldReplies.release();
  }

  @Override
  public boolean pending() {
    return buffer.size() > 0 && (writeError == null || fsync == FsyncPolicy.ALWAYS);
  }

  /** flushAppendOnlyFile: writes the buffer; with {@code always}, fsyncs before returning. */
  @Override
  public void writeNow() {
    FileChannel ch = incr;
    if (buffer.size() == 0 || ch == null) {
      return;
    }
    long before = incrSize;
    try {
      ByteBuffer bytes = buffer.view();
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      if (fsync == FsyncPolicy.ALWAYS && !(noFsyncOnRewrite && rewrite != null)) {
        ch.force(false);
        incrSynced = before + bytes.limit();
      }
    } catch (IOException e) {
      writeFailed(ch, before, e);
      return;
    }
    int n = buffer.size();
    incrSize = before + n;
    currentSize += n;
    buffer.clear();
    if (writeError != null) {
      log.warn("cache AOF write error looks solved, writes are accepted again");
      writeError = null;
    }
  }

  private void writeFailed(FileChannel ch, long goodSize, IOException e) {
    if (fsync == FsyncPolicy.ALWAYS) {
      // replies may already promise these writes: as Redis, stop rather than go on without them
      log.error(
          "cache can't recover from AOF write error when the AOF fsync policy is 'always',"
              + " exiting: {}",
          e.toString());
      Runtime.getRuntime().halt(1);
    }
    if (writeError == null) {
      log.warn("cache error writing to the AOF file, writes refused until it succeeds: {}", e);
    }
    writeError = e.toString();
    try {
      ch.truncate(goodSize); // no partial command stays behind
    } catch (IOException ignored) {
      // the next start will truncate or refuse it, as aof-load-truncated says
    }
  }

  private void fsyncEverySecond() {
    FileChannel ch = incr;
    long upTo = incrSize;
    if (fsync != FsyncPolicy.EVERYSEC || ch == null || upTo == incrSynced) {
      return;
    }
    if (noFsyncOnRewrite && rewrite != null) {
      return;
    }
    try {
      ch.force(false);
      incrSynced = upTo;
      fsyncError = null;
    } catch (java.nio.channels.ClosedChannelException switched) {
      // a rewrite switched files; the old one was fsynced as it closed
    } catch (IOException e) {
      if (fsyncError == null) {
        log.warn("cache AOF fsync failed: {}", e.toString());
      }
      fsyncError = e.toString();
    }
  }

  /** Why writes are refused (MISCONF), or null: the AOF cannot be written. */
  public String writesRefused() {
    if (state == State.OFF) {
      return null;
    }
    String error = writeError != null ? writeError : fsyncError;
    return error == null ? null : "MISCONF Errors writing to the AOF file: " + error;
  }

  // ---- rewriting ----

  /** BGREWRITEAOF: the reply's status text, or a CommandError. */
  public String bgrewriteaof(boolean inTransaction) {
    if (rewrite != null) {
      throw new CommandError("ERR Background append only file rewriting already in progress");
    }
    if (inTransaction || server.keyspace.snapshotRunning()) {
      rewriteScheduled = true;
      consecutiveFailures = 0;
      return "Background append only file rewriting scheduled";
    }
    if (!startRewrite("BGREWRITEAOF")) {
      throw new CommandError(
          "ERR Can't execute an AOF background rewriting. Please check the server logs for more"
              + " information.");
    }
    return "Background append only file rewriting started";
  }

  public boolean rewriteInProgress() {
    return rewrite != null;
  }

  private boolean startRewrite(String why) {
    try {
      Files.createDirectories(dir);
      if (state == State.OFF) {
        manifest = readManifest(); // BGREWRITEAOF with the AOF off rewrites what is on disk
      }
      writeNow();
      if (state == State.ON) {
        AofManifest next = manifest.withNewIncr(filename);
        FileChannel ch = create(next.lastIncr().name());
        persist(next);
        switchTo(ch);
        manifest = next;
        log.info("cache created AOF incr file {} on background rewrite", next.lastIncr().name());
      } else if (state == State.WAIT_REWRITE) {
        switchTo(create(tempIncrName()));
      }
    } catch (IOException e) {
      log.warn("cache can't rewrite the append only file in background: {}", e.toString());
      lastRewriteOk = false;
      consecutiveFailures++;
      return false;
    }
    encoder.reset(); // the new file starts with a SELECT
    String baseName = manifest.nextBaseName(filename, rdbPreamble);
    rewriteScheduled = false;
    rewriteStarted = System.nanoTime();
    rewrites++;
    rewrite =
        new BackgroundSave(
            server.keyspace,
            dir.resolve(baseName),
            baseFormat(),
            loop,
            o -> rewriteDone(o, baseName));
    rewrite.start();
    log.info(
        "cache background AOF rewrite started ({}): {} keys into {}",
        why,
        rewrite.keysTotal(),
        baseName);
    return true;
  }

  private SnapshotFormat baseFormat() {
    if (!rdbPreamble) {
      return new AofBaseFormat(server.persistence.functions().codes());
    }
    return new RdbSnapshotFormat(
        server.keyspace,
        rdbCompression,
        rdbChecksum,
        RdbSnapshotFormat.aux(
            version, server.keyspace.usedMemory(), System.currentTimeMillis(), true),
        server.persistence.functions().codes());
  }

  private FileChannel create(String name) throws IOException {
    return FileChannel.open(
        dir.resolve(name),
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Appends to {@code ch} from now on; the old file is fsynced and closed. */
  private void switchTo(FileChannel ch) throws IOException {
    FileChannel old = incr;
    incr = ch;
    incrSize = 0;
    incrSynced = 0;
    if (old != null) {
      old.force(false);
      old.close();
    }
  }

  private String tempIncrName() {
    return "temp-" + filename + ".incr";
  }

  private void rewriteDone(BackgroundSave.Outcome o, String baseName) {
    rewrite = null;
    lastRewriteSeconds = o.nanos() / 1_000_000_000;
    lastRewritePeakBytes = o.peakPendingBytes();
    if (!o.ok()) {
      rewriteFailed("the base file could not be written: " + o.error());
      return;
    }
    try {
      AofManifest next = manifest.rewritten(baseName, state == State.ON ? 1 : 0);
      if (state == State.WAIT_REWRITE) {
        next = next.withNewIncr(filename);
        Files.move(
            dir.resolve(tempIncrName()),
            dir.resolve(next.lastIncr().name()),
            StandardCopyOption.ATOMIC_MOVE);
      }
      persist(next);
      manifest = next;
    } catch (IOException e) {
      rewriteFailed("the manifest could not be replaced: " + e);
      return;
    }
    deleteHistory();
    try {
      baseSize = Files.size(dir.resolve(baseName)) + (state == State.OFF ? 0 : incrSize);
    } catch (IOException e) {
      baseSize = 0;
    }
    currentSize = baseSize;
    lastRewriteOk = true;
    consecutiveFailures = 0;
    if (state == State.WAIT_REWRITE) {
      state = State.ON;
    }
    log.info(
        "cache background AOF rewrite finished: {} keys in {} ms, base file {}",
        o.keys(),
        o.nanos() / 1_000_000,
        baseName);
  }

  private void rewriteFailed(String why) {
    log.warn("cache background AOF rewrite failed, the AOF is unchanged: {}", why);
    lastRewriteOk = false;
    consecutiveFailures++;
    if (state == State.WAIT_REWRITE) {
      rewriteScheduled = true; // AOF is switched on only by a successful rewrite
    }
  }

  private void deleteHistory() {
    if (manifest.history().isEmpty()) {
      return;
    }
    for (AofFile f : manifest.history()) {
      try {
        Files.deleteIfExists(dir.resolve(f.name()));
        log.info("cache removed AOF history file {}", f.name());
      } catch (IOException e) {
        log.warn("cache could not remove AOF history file {}: {}", f.name(), e.toString());
      }
    }
    try {
      AofManifest next = manifest.withoutHistory();
      persist(next);
      manifest = next;
    } catch (IOException e) {
      log.warn("cache could not write the AOF manifest without history: {}", e.toString());
    }
  }

  /** Every 100 ms: a retry of a failed write, a scheduled rewrite, or an automatic one. */
  public void cron() {
    if (state != State.OFF && buffer.size() > 0 && !writeScheduled) {
      writeNow();
      server.heldReplies.release();
    }
    if (rewrite != null || server.keyspace.snapshotRunning()) {
      return;
    }
    if (rewriteScheduled) {
      startRewrite("scheduled");
      return;
    }
    if (state == State.ON && autoPercentage > 0 && currentSize > autoMinSize) {
      long base = baseSize == 0 ? 1 : baseSize;
      long growth = currentSize * 100 / base - 100;
      if (growth >= autoPercentage && consecutiveFailures < 3) {
        startRewrite("automatic, grown by " + growth + "%");
      }
    }
  }

  // ---- switching on and off live ----

  /** startAppendOnly: writes go to a temp incr file until a rewrite gives the AOF its base. */
  private void startLive() {
    try {
      Files.createDirectories(dir);
      deleteTemps();
      manifest = readManifest();
    } catch (IOException e) {
      throw new CommandError("ERR Unable to turn on AOF. Check server logs.");
    }
    turnOn(State.WAIT_REWRITE);
    if (server.keyspace.snapshotRunning() || server.transactions.executing()) {
      rewriteScheduled = true;
      log.info("cache AOF switched on: a rewrite is scheduled to write its base");
    } else if (!startRewrite("appendonly switched on")) {
      stop();
      throw new CommandError("ERR Unable to turn on AOF. Check server logs.");
    }
  }

  /** stopAppendOnly: the buffer written and fsynced, the file closed, a rewrite abandoned. */
  public void stop() {
    if (state == State.OFF) {
      return;
    }
    cancelRewrite();
    writeNow();
    try {
      FileChannel ch = incr;
      if (ch != null) {
        ch.force(false);
        ch.close();
      }
    } catch (IOException e) {
      log.warn("cache AOF fsync on switching off failed: {}", e.toString());
    }
    incr = null;
    buffer.clear();
    server.propagation.removeListener(this);
    server.heldReplies.gate(null);
    fsyncThread.shutdownNow();
    state = State.OFF;
    rewriteScheduled = false;
    log.info("cache AOF switched off");
  }

  private void cancelRewrite() {
    if (rewrite != null) {
      log.info("cache: abandoning the background AOF rewrite");
      rewrite.cancel();
      rewrite = null;
    }
  }

  /** Before the process stops: the rewrite abandoned, everything written and fsynced. */
  public void flushForShutdown() {
    if (state == State.OFF) {
      return;
    }
    cancelRewrite();
    writeNow();
    try {
      incr.force(false);
      log.info("cache AOF fsynced for shutdown ({} bytes in {})", incrSize, dir.toAbsolutePath());
    } catch (IOException e) {
      log.warn("cache AOF fsync at shutdown failed: {}", e.toString());
    }
  }

  // ---- files ----

  private Path manifestPath() {
    return dir.resolve(filename + AofManifest.SUFFIX);
  }

  private AofManifest readManifest() throws IOException {
    Path p = manifestPath();
    if (!Files.exists(p)) {
      return AofManifest.empty();
    }
    return AofManifest.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
  }

  /** writeAofManifestFile: temp file, fsync, rename, directory fsync. */
  private void persist(AofManifest m) throws IOException {
    AtomicFile.write(manifestPath(), m.format().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * aofUpgradePrepare: an AOF of Redis before 7.0 ({@code dir}/{@code appendfilename}, a single
   * file) moves into the AOF directory as its base.
   */
  private void upgradeSingleFile() throws IOException {
    Path old = dir.getParent().resolve(filename);
    if (!Files.exists(old) || !manifest.isEmpty()) {
      return;
    }
    Files.createDirectories(dir);
    AofManifest next = manifest.rewritten(filename, 0);
    persist(next);
    Files.move(old, dir.resolve(filename), StandardCopyOption.ATOMIC_MOVE);
    manifest = next;
    log.info("cache moved the old-style AOF file {} into the AOF directory {}", old, dir);
  }

  /** Files a crash left half-written: temp manifests, base files and the live switch's incr. */
  private void deleteTemps() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith("temp-") || (n.startsWith(".") && n.contains(".tmp-"))) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private long totalSize() throws IOException {
    long total = 0;
    for (AofFile f : manifest.loadOrder()) {
      total += Files.size(dir.resolve(f.name()));
    }
    return total;
  }

  private String fsyncName() {
    return fsync.name().toLowerCase(java.util.Locale.ROOT);
  }

  // ---- INFO persistence ----

  /** The aof_* fields of INFO persistence, in Redis 7.0's order. */
  public void info(StringBuilder sb) {
    field(sb, "aof_enabled", state != State.OFF ? 1 : 0);
    field(sb, "aof_rewrite_in_progress", rewrite != null ? 1 : 0);
    field(sb, "aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
    field(sb, "aof_last_rewrite_time_sec", lastRewriteSeconds);
    field(
        sb,
        "aof_current_rewrite_time_sec",
        rewrite == null ? -1 : (System.nanoTime() - rewriteStarted) / 1_000_000_000);
    field(sb, "aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
    field(sb, "aof_rewrites", rewrites);
    field(sb, "aof_rewrites_consecutive_failures", consecutiveFailures);
    field(sb, "aof_last_write_status", writesRefused() == null ? "ok" : "err");
    field(sb, "aof_last_cow_size", lastRewritePeakBytes);
    field(sb, "module_fork_in_progress", 0);
    field(sb, "module_fork_last_cow_size", 0);
    if (state != State.OFF) {
      field(sb, "aof_current_size", currentSize);
      field(sb, "aof_base_size", baseSize);
      field(sb, "aof_pending_rewrite", rewriteScheduled ? 1 : 0);
      field(sb, "aof_buffer_length", buffer.size());
      field(sb, "aof_pending_bio_fsync", incrSize != incrSynced ? 1 : 0);
      field(sb, "aof_delayed_fsync", 0);
    }
  }

  private static void field(StringBuilder sb, String name, Object value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }
}
