package dev.cairn.cache.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replies that wait until the writes they acknowledge are in the append-only file, as Redis writes
 * (and with {@code appendfsync always}, fsyncs) its AOF buffer in beforeSleep, before it sends any
 * reply. A client whose output is ready while the log has buffered effects is held here; the log
 * writes once for the whole event-loop turn (a group commit across clients) and then {@link
 * #release}s them all.
 *
 * <p>With no log installed nothing is ever held. Keyspace thread only.
 */
public final class HeldReplies {
  /** The log's side: whether effects wait to be written, and writing them now. */
  public interface Log {
    boolean pending();

    void writeNow();
  }

  private static final Log NONE =
      new Log() {
        @Override
        public boolean pending() {
          return false;
        }

        @Override
        public void writeNow() {}
      };

  private Log log = NONE;
  private final Set<Client> held = new LinkedHashSet<>();

  /** Installs the log replies wait for; null removes it (and releases whoever waits). */
  public void gate(Log log) {
    this.log = log == null ? NONE : log;
    if (log == null) {
      release();
    }
  }

  /** Holds {@code c}'s output if the log has unwritten effects; false if it may go now. */
  boolean hold(Client c) {
    if (!log.pending()) {
      return false;
    }
    held.add(c);
    return true;
  }

  /** The log is written: sends every held reply. */
  public void release() {
    if (held.isEmpty()) {
      return;
    }
    List<Client> ready = new ArrayList<>(held);
    held.clear();
    for (Client c : ready) {
      c.flush();
    }
  }

  /** {@code c} is about to close: its held reply goes out first, after the log is written. */
  void beforeClose(Client c) {
    if (held.remove(c)) {
      log.writeNow();
      c.flush();
    }
  }
}
