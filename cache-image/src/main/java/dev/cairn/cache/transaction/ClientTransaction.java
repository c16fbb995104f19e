package dev.cairn.cache.transaction;

import dev.cairn.cache.db.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's MULTI/WATCH state: the commands queued since MULTI (none outside one), whether
 * one of them failed to queue, the keys it WATCHes and whether one of them changed since.
 */
public final class ClientTransaction {
  /** Queued commands while in MULTI, null otherwise. */
  List<byte[][]> queue;

  /** A command failed to queue: EXEC answers -EXECABORT. */
  boolean queueingFailed;

  /** A WATCHed key changed: EXEC answers null. */
  boolean dirty;

  final List<Watch> watched = new ArrayList<>();

  /** A WATCHed key: database and key, and whether it was a live key with a TTL at WATCH. */
  record Watch(Database db, byte[] key, long expireAtWatch) {}

  /** In MULTI: commands are queued, not run. */
  public boolean active() {
    return queue != null;
  }

  public void queue(byte[][] argv) {
    queue.add(argv);
  }

  /** A command was refused: inside MULTI, EXEC will discard the transaction. */
  public void refused() {
    if (queue != null) {
      queueingFailed = true;
    }
  }

  /** A WATCHed key changed (CLIENT LIST's "d" flag). */
  public boolean dirty() {
    return dirty;
  }

  /** CLIENT LIST's multi=: the commands queued, -1 outside MULTI. */
  public int queued() {
    return queue == null ? -1 : queue.size();
  }

  /** The bytes of the queued commands' arguments (CLIENT LIST's share of the query memory). */
  public long queuedBytes() {
    long bytes = 0;
    if (queue != null) {
      for (byte[][] argv : queue) {
        for (byte[] arg : argv) {
          bytes += arg.length;
        }
      }
    }
    return bytes;
  }
}
