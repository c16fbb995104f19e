package dev.cairn.coord;

/** What the coordinator reports as its version (four-letter words, mntr). */
public final class Version {
  /** The ZooKeeper release whose protocol and behaviour this server follows. */
  public static final String ZOOKEEPER_COMPATIBLE = "3.9.5-cairn";

  public static final String BUILT = "cairn 0.1.0";

  private Version() {}
}
