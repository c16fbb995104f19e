package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Keyspace;
import dev.cairn.common.io.AtomicFile;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * BGSAVE without fork: a {@link Snapshot} walked in slices on the keyspace thread, its chunks
 * written by a writer thread to a temp file that replaces the target only once complete and fsynced
 * ({@link AtomicFile}).
 *
 * <p>Memory stays bounded: the walker pauses while more than {@link #MAX_PENDING_BYTES} of encoded
 * records wait for the disk. Records that writes force out early are queued regardless (they must
 * be taken before the change), so the peak is that limit plus what the write load forces out
 * meanwhile; {@link #peakPendingBytes} reports it. Each walker slice runs for at most {@link
 * #SLICE_NANOS}, which bounds the latency a save adds to commands (a single huge value is encoded
 * in one go).
 */
public final class BackgroundSave {
  /** Walker slice length: short enough to stay below a millisecond of added latency. */
  static final long SLICE_NANOS = 500_000;

  /** Encoded records allowed to wait for the writer before the walker pauses. */
  static final long MAX_PENDING_BYTES = 8L << 20;

  private static final Chunk END = new Chunk(-1, new byte[0], 0);

  /** How a background save ended. */
  public record Outcome(
      boolean ok, long keys, long nanos, long peakPendingBytes, Exception error) {}

  private final Snapshot snapshot;
  private final ScheduledExecutorService keyspaceThread;
  private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
  private final AtomicLong pending = new AtomicLong();
  private final long started = System.nanoTime();
  private volatile boolean cancelled;
  private long peakPendingBytes;
  private final Thread writer;

  public BackgroundSave(
      Keyspace keyspace,
      Path target,
      SnapshotFormat format,
      ScheduledExecutorService keyspaceThread,
      Consumer<Outcome> done) {
    this.keyspaceThread = keyspaceThread;
    this.snapshot = new Snapshot(keyspace, format, this::enqueue);
    this.writer =
        Thread.ofPlatform()
            .name("cache-bgsave-" + target.getFileName())
            .daemon()
            .unstarted(() -> {
              Exception error = null;
              try {
                AtomicFile.write(
                    target,
                    out -> {
                      SnapshotFormat.File file = format.open(out, snapshot);
                      for (Chunk c = take(); c != END; c = take()) {
                        file.chunk(c);
                      }
                      file.finish();
                    });
              } catch (Exception e) {
                error = e;
              }
              Exception failure = error;
              keyspaceThread.execute(() -> finished(failure, done));
            });
  }

  public void start() {
    writer.start();
    keyspaceThread.execute(this::walk);
  }

  public long keysTotal() {
    return snapshot.keysTotal();
  }

  public long keysWritten() {
    return snapshot.keysWritten();
  }

  public long elapsedNanos() {
    return System.nanoTime() - started;
  }

  /** Stops the save; the target file is left as it was. Keyspace thread. */
  public void cancel() {
    cancelled = true;
    snapshot.abandon();
    writer.interrupt();
  }

  private void enqueue(Chunk c) {
    peakPendingBytes = Math.max(peakPendingBytes, pending.addAndGet(c.length()));
    queue.add(c);
  }

  private Chunk take() throws java.io.IOException {
    try {
      Chunk c = queue.take();
      pending.addAndGet(-c.length());
      if (cancelled) {
        throw new java.io.InterruptedIOException("background save cancelled");
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("background save cancelled");
    }
  }

  private void walk() {
    if (cancelled || snapshot.done()) {
      return;
    }
    if (pending.get() > MAX_PENDING_BYTES) {
      keyspaceThread.schedule(this::walk, 1, TimeUnit.MILLISECONDS);
      return;
    }
    if (snapshot.step(System.nanoTime() + SLICE_NANOS)) {
      queue.add(END);
    } else {
      // Scheduled, not executed: Netty's event loop runs queued tasks 64 at a time before it looks
      // at its time budget and polls I/O again, so a walker re-queued with execute() ran 64 slices
      // (32 ms) back to back while commands waited. A due scheduled task is only picked up on the
      // loop's next iteration, after the sockets' pending commands: one slice per iteration.
      keyspaceThread.schedule(this::walk, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void finished(Exception error, Consumer<Outcome> done) {
    snapshot.abandon();
    done.accept(
        new Outcome(
            error == null, snapshot.keysWritten(), elapsedNanos(), peakPendingBytes, error));
  }
}
