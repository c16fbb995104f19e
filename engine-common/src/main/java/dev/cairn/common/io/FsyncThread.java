package dev.cairn.common.io;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link BackgroundFsync} on a thread of its own. Requests that queue up while an fsync runs share
 * the next one (group commit): every request was made before that fsync started, so one fsync of
 * the file covers them all. Each {@code done} is handed to the owner's thread, in request order.
 */
public final class FsyncThread implements BackgroundFsync, AutoCloseable {
  private record Pending(StorageFile file, Runnable done) {}

  private final Consumer<Runnable> onOwnerThread;
  private final Thread thread;
  private final List<Pending> queue = new ArrayList<>();
  private boolean busy;
  private boolean closed;

  /**
   * {@code onOwnerThread} hands a task to the owner's thread; an fsync that fails hands it a task
   * that throws the failure (the owner must stop before it acknowledges anything), then ends this
   * thread through {@code onDeath}.
   */
  public FsyncThread(
      String name, Consumer<Runnable> onOwnerThread, Thread.UncaughtExceptionHandler onDeath) {
    this.onOwnerThread = onOwnerThread;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
    thread.start();
  }

  @Override
  public synchronized void request(StorageFile file, Runnable done) {
    queue.add(new Pending(file, done));
    notifyAll();
  }

  @Override
  public synchronized void awaitIdle() {
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
        List<StorageFile> synced = new ArrayList<>(1);
        for (Pending p : batch) {
          if (!synced.contains(p.file)) {
            p.file.fsync();
            synced.add(p.file);
          }
        }
        for (Pending p : batch) {
          onOwnerThread.accept(p.done);
        }
      } catch (RuntimeException e) {
        onOwnerThread.accept(() -> {
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

  /** Stops after the fsync in progress; requests still queued never finish. */
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
