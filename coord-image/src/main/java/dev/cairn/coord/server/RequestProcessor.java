package dev.cairn.coord.server;

/** One stage of the request pipeline; each stage knows the next (ZooKeeper's processor chain). */
public interface RequestProcessor {
  void process(Request request);

  /** Stops the stage after the requests already queued. */
  void shutdown();
}
