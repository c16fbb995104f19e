package dev.cairn.coord.quorum;

import dev.cairn.common.io.StorageFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fsyncs the quorum log on a thread of its own, as ZooKeeper's SyncRequestProcessor does, so the
 * peer's thread goes on taking acks, commits and requests while the disk works: a peer whose thread
 * waited for its own fsync held every ack that arrived meanwhile, and a commit waited for the fsync
 * of the next batch as well as its own. Requests that queue up during an fsync share the next one
 * (group commit); each request's {@code done} then runs on the peer's thread, in request order.
 */
final class SyncThread implements AutoCloseable {
  private record Pending(StorageFile file, Runnable done) {}

  private final Consumer<Runnable> onPeerThread;
  private final Thread thread;
  private final List<Pending> queue = new ArrayList<>();
  private boolean busy;
  private boolean closed;

  /** {@code onPeerThread} hands a task to the peer's thread. */
  SyncThread(Consumer<Runnable> onPeerThread, Thread.UncaughtExceptionHandler onDeath) {
    this.onPeerThread = onPeerThread;
    this.thread = new Thread(this::run, "coord-quorum-fsync");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
    thread.start();
  }

  /** Makes everything written to {@code file} so far durable, then runs {@code done}. */
  synchronized void submit(StorageFile file, Runnable done) {
    queue.add(new Pending(file, done));
    notifyAll();
  }

  /** Waits until no fsync runs or waits to run: before the file is replaced or closed. */
  synchronized void awaitIdle() {
    boolean interrupted = false;
    while (!closed && (busy || !queue.isEmpty())) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      List<Pending> batch;
      synchronized (this) {
        while (queue.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
        busy = true;
      }
      try {
        StorageFile synced = null;
        for (Pending p : batch) {
          // Every request was made before this fsync started: one fsync of the file covers all.
          if (p.file != synced) {
            p.file.fsync();
            synced = p.file;
          }
        }
        for (Pending p : batch) {
          onPeerThread.accept(p.done);
        }
      } catch (RuntimeException e) {
        // A disk that cannot fsync: the peer must stop, on its own thread, before acking anything.
        onPeerThread.accept(() -> {
          throw e;
        });
        throw e;
      } finally {
        synchronized (this) {
          busy = false;
          notifyAll();
        }
      }
    }
  }

  /** Stops after the fsync in progress. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
