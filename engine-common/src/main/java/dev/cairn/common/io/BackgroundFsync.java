package dev.cairn.common.io;

/**
 * Fsyncs that finish after the call returns, so the thread that owns a node's state goes on taking
 * messages while the disk works, as ZooKeeper's SyncRequestProcessor fsyncs apart from the threads
 * that take acks. A request covers what was written to its file before it was made; requests finish
 * in the order they were made, and each one's {@code done} then runs on the owner's thread, never
 * inside {@link #request}. A crash may lose what a request covers until its {@code done} ran.
 */
public interface BackgroundFsync {
  /** Starts making everything written to {@code file} so far durable; {@code done} runs after. */
  void request(StorageFile file, Runnable done);

  /**
   * Returns once every fsync requested so far has finished (their {@code done} may not have run
   * yet): before a file one may still be syncing is closed, renamed over or deleted.
   */
  void awaitIdle();
}
