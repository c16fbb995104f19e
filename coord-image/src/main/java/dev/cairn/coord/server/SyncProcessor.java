package dev.cairn.coord.server;

import dev.cairn.coord.persist.TxnLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;

/**
 * Second stage: makes txns durable with group commit. It takes every request queued so far as one
 * batch, appends the batch's txns to the {@link TxnLog}, fsyncs once, and only then hands the whole
 * batch, in order, to the final stage — so no reply leaves before its txn is on disk, and reads
 * queued behind a write are answered after it (ZooKeeper's standalone {@code SyncRequestProcessor}
 * behaves the same way).
 *
 * <p>After {@code snapCount} txns it rolls the log and asks for a snapshot. A failed write or fsync
 * is fatal for durability: the thread ends with the failure, which its uncaught-exception handler
 * turns into a server stop, rather than acknowledge anything more.
 */
public final class SyncProcessor implements RequestProcessor, Runnable {
  private static final Request STOP =
      new Request(null, 0, 0, dev.cairn.coord.proto.OpCode.ERROR, null, List.of());

  /** Bounds a batch so one fsync never holds back replies for too many requests. */
  private static final int MAX_BATCH = 1000;

  private final TxnLog txnLog;
  private final int snapCount;
  private final LongConsumer snapshotRequest;
  private final FinalProcessor next;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final SyncStats stats;
  private int sinceSnapshot;

  public SyncProcessor(
      TxnLog txnLog,
      int snapCount,
      LongConsumer snapshotRequest,
      FinalProcessor next,
      SyncStats stats,
      Thread.UncaughtExceptionHandler onDeath) {
    this.txnLog = txnLog;
    this.snapCount = snapCount;
    this.snapshotRequest = snapshotRequest;
    this.next = next;
    this.stats = stats;
    this.thread = new Thread(this, "coord-sync");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
  }

  public void start() {
    thread.start();
  }

  @Override
  public void process(Request request) {
    queue.add(request);
  }

  public int queued() {
    return queue.size();
  }

  @Override
  public void run() {
    List<Request> batch = new ArrayList<>();
    while (true) {
      batch.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean stop = batch.remove(STOP);
      // Requests ahead of the batch's first txn need no fsync: they go on at once (as in
      // ZooKeeper, a read waits only for writes queued before it).
      int firstTxn = 0;
      while (firstTxn < batch.size() && batch.get(firstTxn).txnHeader == null) {
        firstTxn++;
      }
      if (firstTxn > 0) {
        next.processBatch(batch.subList(0, firstTxn));
        batch.subList(0, firstTxn).clear();
      }
      long lastZxid = -1;
      try {
        for (Request r : batch) {
          if (r.txnHeader != null) {
            txnLog.append(r.txnHeader, r.txn);
            lastZxid = r.txnHeader.getZxid();
          }
        }
        long start = System.nanoTime();
        int n = txnLog.commit();
        if (n > 0) {
          stats.fsynced(n, System.nanoTime() - start);
          sinceSnapshot += n;
          if (sinceSnapshot >= snapCount) {
            sinceSnapshot = 0;
            txnLog.roll(lastZxid + 1);
            snapshotRequest.accept(lastZxid);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("txn log write failed", e);
      }
      if (!batch.isEmpty()) {
        next.processBatch(batch);
      }
      if (stop) {
        next.shutdown();
        return;
      }
    }
  }

  @Override
  public void shutdown() {
    queue.add(STOP);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where the sync stage reports fsync batches (metrics). */
  public interface SyncStats {
    void fsynced(int txns, long nanos);
  }
}
