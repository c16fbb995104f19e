package dev.cairn.coord.watch;

/** Receives fired watches: a client connection, which sends a notification. */
public interface Watcher {
  void process(EventType type, String path, long zxid);
}
