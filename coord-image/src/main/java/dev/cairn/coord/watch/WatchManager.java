package dev.cairn.coord.watch;

import dev.cairn.coord.tree.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All watches of the server: for each path, which watchers hold which {@link WatchKind}s.
 *
 * <p>Firing follows ZooKeeper's {@code WatchManager}: an event fires the matching kinds at its path
 * and, unless it is NodeChildrenChanged, the recursive watches on every ancestor; each watcher gets
 * the event once per trigger however many of its watches matched; one-shot kinds are removed as
 * they fire. Events are handed to the watchers inside the trigger, on the apply thread, which is
 * what orders a notification before the reply to any later request of the same session.
 *
 * <p>Thread-safety: all methods synchronize on the manager.
 */
public final class WatchManager {
  private final Map<String, Map<Watcher, Integer>> byPath = new HashMap<>();
  private final Map<Watcher, Set<String>> byWatcher = new HashMap<>();
  private int recursiveWatches;

  public synchronized void add(String path, Watcher watcher, int kind) {
    Map<Watcher, Integer> watchers = byPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
    int old = watchers.getOrDefault(watcher, 0);
    if ((kind & WatchKind.RECURSIVE) != 0 && (old & WatchKind.RECURSIVE) == 0) {
      recursiveWatches++;
    }
    watchers.put(watcher, old | kind);
    byWatcher.computeIfAbsent(watcher, w -> new HashSet<>()).add(path);
  }

  /** Fires the watches {@code type} on {@code path} triggers; returns how many watchers got it. */
  public synchronized int trigger(String path, EventType type, long zxid) {
    List<Watcher> targets = new ArrayList<>();
    collect(path, WatchKind.firedAt(type), targets);
    if (type != EventType.NODE_CHILDREN_CHANGED && recursiveWatches > 0) {
      String p = path;
      while (!"/".equals(p)) {
        p = Paths.parent(p);
        collect(p, WatchKind.RECURSIVE, targets);
      }
    }
    Set<Watcher> seen = new HashSet<>();
    for (Watcher w : targets) {
      if (seen.add(w)) {
        w.process(type, path, zxid);
      }
    }
    return seen.size();
  }

  private void collect(String path, int mask, List<Watcher> out) {
    Map<Watcher, Integer> watchers = byPath.get(path);
    if (watchers == null) {
      return;
    }
    List<Watcher> emptied = new ArrayList<>();
    for (Map.Entry<Watcher, Integer> e : watchers.entrySet()) {
      int kinds = e.getValue();
      if ((kinds & mask) == 0) {
        continue;
      }
      out.add(e.getKey());
      int left = kinds & ~(mask & WatchKind.ONE_SHOT);
      if (left == 0) {
        emptied.add(e.getKey());
      } else {
        e.setValue(left);
      }
    }
    for (Watcher w : emptied) {
      watchers.remove(w);
      forgetPath(w, path);
    }
    if (watchers.isEmpty()) {
      byPath.remove(path);
    }
  }

  /**
   * Removes {@code kinds} of {@code watcher}'s watches on {@code path}; returns whether any of them
   * existed (removeWatches answers NOWATCHER otherwise).
   */
  public synchronized boolean remove(String path, Watcher watcher, int kinds) {
    Map<Watcher, Integer> watchers = byPath.get(path);
    Integer old = watchers == null ? null : watchers.get(watcher);
    if (old == null || (old & kinds) == 0) {
      return false;
    }
    if ((old & kinds & WatchKind.RECURSIVE) != 0) {
      recursiveWatches--;
    }
    int left = old & ~kinds;
    if (left == 0) {
      watchers.remove(watcher);
      forgetPath(watcher, path);
      if (watchers.isEmpty()) {
        byPath.remove(path);
      }
    } else {
      watchers.put(watcher, left);
    }
    return true;
  }

  public synchronized boolean contains(String path, Watcher watcher, int kinds) {
    Map<Watcher, Integer> watchers = byPath.get(path);
    Integer old = watchers == null ? null : watchers.get(watcher);
    return old != null && (old & kinds) != 0;
  }

  /** Drops every watch of a closed connection. */
  public synchronized void removeWatcher(Watcher watcher) {
    Set<String> paths = byWatcher.remove(watcher);
    if (paths == null) {
      return;
    }
    for (String path : paths) {
      Map<Watcher, Integer> watchers = byPath.get(path);
      if (watchers == null) {
        continue;
      }
      Integer kinds = watchers.remove(watcher);
      if (kinds != null && (kinds & WatchKind.RECURSIVE) != 0) {
        recursiveWatches--;
      }
      if (watchers.isEmpty()) {
        byPath.remove(path);
      }
    }
  }

  private void forgetPath(Watcher watcher, String path) {
    Set<String> paths = byWatcher.get(watcher);
    if (paths != null) {
      paths.remove(path);
      if (paths.isEmpty()) {
        byWatcher.remove(watcher);
      }
    }
  }

  /** Number of (path, watcher) pairs. */
  public synchronized int watchCount() {
    int n = 0;
    for (Map<Watcher, Integer> w : byPath.values()) {
      n += w.size();
    }
    return n;
  }

  public synchronized int pathCount() {
    return byPath.size();
  }

  public synchronized int watcherCount() {
    return byWatcher.size();
  }
}
