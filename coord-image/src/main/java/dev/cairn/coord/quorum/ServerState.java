package dev.cairn.coord.quorum;

/** A quorum peer's state, as ZooKeeper names them (and prints them in {@code srvr}). */
public enum ServerState {
  LOOKING,
  FOLLOWING,
  LEADING,
  OBSERVING
}
