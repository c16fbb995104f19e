package dev.cairn.cache.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CLIENT PAUSE / UNPAUSE, as Redis 7: while a pause lasts, the commands it covers — every command
 * (ALL) or those that change data (WRITE: write commands, PUBLISH, and EXEC of a transaction that
 * writes) — wait instead of running, each client keeping its place and its later input; when the
 * pause ends (timeout or UNPAUSE) they run in arrival order. An ALL pause and a WRITE pause each
 * keep their own end, so a shorter ALL inside a longer WRITE pause lets reads through when it ends.
 * Queuing inside MULTI and the CLIENT command itself are never paused.
 */
final class Pause {
  private final Server server;
  private final ArrayDeque<Client> waiting = new ArrayDeque<>();
  private long allUntil;
  private long writeUntil;

  Pause(Server server) {
    this.server = server;
  }

  void pause(Client by, long millis, boolean all) {
    long end = System.currentTimeMillis() + millis;
    if (all) {
      allUntil = Math.max(allUntil, end);
    } else {
      writeUntil = Math.max(writeUntil, end);
    }
    by.channel.eventLoop().schedule(this::release, millis, TimeUnit.MILLISECONDS);
  }

  /** Whether this command must wait for a pause to end. */
  boolean holds(Client c, Command cmd) {
    if (allUntil == 0 && writeUntil == 0 || cmd.name().equals("client")) {
      return false;
    }
    long now = System.currentTimeMillis();
    if (now < allUntil) {
      return true;
    }
    if (now >= writeUntil) {
      return false;
    }
    if (cmd.name().equals("exec")) {
      return server.transactions.anyQueued(c, (queued, argv) -> writes(queued));
    }
    return writes(cmd);
  }

  private static boolean writes(Command cmd) {
    return cmd != null && (cmd.has(Command.Flag.WRITE) || cmd.name().equals("publish"));
  }

  void hold(Client c, byte[][] argv) {
    c.pausedArgv = argv;
    waiting.add(c);
  }

  void remove(Client c) {
    waiting.remove(c);
  }

  int waitingCount() {
    return waiting.size();
  }

  /** CLIENT UNPAUSE: ends every pause now. */
  void end() {
    allUntil = 0;
    writeUntil = 0;
    release();
  }

  /** Runs, in arrival order, the waiting commands no pause covers any more. */
  private void release() {
    long now = System.currentTimeMillis();
    if (now >= allUntil) {
      allUntil = 0;
    }
    if (now >= writeUntil) {
      writeUntil = 0;
    }
    List<Client> ready = new ArrayList<>(waiting);
    waiting.clear();
    for (Client c : ready) {
      byte[][] argv = c.pausedArgv;
      c.pausedArgv = null;
      if (!c.closed && server.execute(c, argv)) {
        c.flush();
        c.resume();
      } else if (!c.closed) {
        c.flush();
      }
    }
  }
}
