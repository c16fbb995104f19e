package dev.cairn.cache.propagation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place write commands leave the keyspace as their <em>effect</em>, for every consumer that
 * replays them elsewhere: the append-only file today, the replication backlog next. It follows
 * Redis 7.0's {@code call()} / {@code alsoPropagate()} / {@code propagatePendingCommands()}:
 *
 * <ul>
 *   <li>A command that changed the dataset (the keyspace's change counter moved) is propagated as
 *       the client sent it, unless its handler said otherwise: {@link #rewrite} replaces it by its
 *       effect (SET ... PXAT for a relative expiry, SREM for SPOP, SET ... KEEPTTL for INCRBYFLOAT,
 *       a plain pop for a blocking one), {@link #prevent} drops it (the handler used {@link #also}
 *       instead), {@link #force} propagates it even if nothing changed (FLUSHDB on an empty
 *       database). A command that changed nothing is not propagated.
 *   <li>Keys the server deletes on its own — expiry, eviction — are propagated as {@code DEL}
 *       ({@link #deleted}).
 *   <li>An <em>execution unit</em> is a top-level command with everything nested in it (EXEC's
 *       queued commands, a script's calls). Its effects reach the listeners when it ends, wrapped
 *       in MULTI/EXEC when there is more than one, so a replica or an AOF replay applies them
 *       atomically. MULTI carries the first effect's database and EXEC the last one's, as in Redis,
 *       so a consumer's SELECT lands before MULTI.
 * </ul>
 *
 * Each effect carries its database; consumers emit SELECT when it changes ({@link EffectEncoder}).
 * Keyspace thread only, like the keyspace; listeners may be added and removed from it at any time
 * (CONFIG SET appendonly, a replica attaching).
 */
public final class Propagation {
  /** A consumer of effects, called on the keyspace thread in the order they happened. */
  @FunctionalInterface
  public interface Listener {
    void propagate(int db, byte[][] argv);
  }

  private static final byte[][] MULTI = {bytes("MULTI")};
  private static final byte[][] EXEC = {bytes("EXEC")};
  private static final byte[] DEL = bytes("DEL");

  /** One effect waiting for its unit to end. */
  private record Effect(int db, byte[][] argv) {}

  /** What one running command (possibly nested) asked for. */
  private static final class Frame {
    long changesBefore;
    byte[][] rewritten;
    boolean prevented;
    boolean forced;
  }

  private final List<Listener> listeners = new ArrayList<>();
  private final List<Effect> unit = new ArrayList<>();

  /** Frames of the running commands, reused: index {@code depth - 1} is the innermost. */
  private final List<Frame> frames = new ArrayList<>();

  private int depth;

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  /** Whether anyone listens: with no consumer, recording effects is skipped altogether. */
  public boolean active() {
    return !listeners.isEmpty();
  }

  // ---- the dispatcher's side ----

  /** A command starts; {@code changes} is the keyspace's change counter now. */
  public void enter(long changes) {
    if (depth == frames.size()) {
      frames.add(new Frame());
    }
    Frame f = frames.get(depth++);
    f.changesBefore = changes;
    f.rewritten = null;
    f.prevented = false;
    f.forced = false;
  }

  /**
   * The command that {@link #enter} began has run in database {@code db}; records its effect if it
   * had one, and ends the unit if it was the top-level command. Only a command that {@code
   * propagates} itself (a write command) has its changes as its effect: a unit wrapper's — EXEC's,
   * a script's (EVAL, EVALSHA, FCALL and their _RO forms) — are the commands it ran, so it is
   * skipped even if forced, and DEBUG RELOAD's reload is no change a replay should repeat.
   */
  public void exit(int db, byte[][] argv, long changes, boolean propagates) {
    Frame f = frames.get(--depth);
    if (!f.prevented && propagates && (changes != f.changesBefore || f.forced)) {
      unit.add(new Effect(db, f.rewritten != null ? f.rewritten : argv));
    }
    f.rewritten = null;
    if (depth == 0) {
      endUnit();
    }
  }

  // ---- the handlers' side ----

  /** The running command propagates as {@code argv} instead of what the client sent. */
  public void rewrite(byte[]... argv) {
    current().rewritten = argv;
  }

  /** The running command is not propagated itself (what it did goes out through {@link #also}). */
  public void prevent() {
    current().prevented = true;
  }

  /** The running command is propagated even if it changed nothing. */
  public void force() {
    current().forced = true;
  }

  /** Adds an effect to the running unit, before the running command's own. */
  public void also(int db, byte[]... argv) {
    unit.add(new Effect(db, argv));
    if (depth == 0) {
      endUnit();
    }
  }

  /** The server deleted {@code key} on its own (expired or evicted): a DEL. */
  public void deleted(int db, byte[] key) {
    also(db, DEL, key);
  }

  private Frame current() {
    if (depth == 0) {
      throw new IllegalStateException("no command is running");
    }
    return frames.get(depth - 1);
  }

  private void endUnit() {
    if (unit.isEmpty()) {
      return;
    }
    if (listeners.isEmpty()) {
      unit.clear();
      return;
    }
    boolean transaction = unit.size() > 1;
    if (transaction) {
      feed(unit.get(0).db(), MULTI);
    }
    for (Effect e : unit) {
      feed(e.db(), e.argv());
    }
    if (transaction) {
      feed(unit.get(unit.size() - 1).db(), EXEC);
    }
    unit.clear();
  }

  private void feed(int db, byte[][] argv) {
    for (Listener l : listeners) {
      l.propagate(db, argv);
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
