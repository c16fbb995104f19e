package dev.cairn.coord.watch;

/** {@code Watcher.Event.EventType} codes as sent in a {@code WatcherEvent}. */
public enum EventType {
  NODE_CREATED(1),
  NODE_DELETED(2),
  NODE_DATA_CHANGED(3),
  NODE_CHILDREN_CHANGED(4);

  public final int code;

  EventType(int code) {
    this.code = code;
  }
}
