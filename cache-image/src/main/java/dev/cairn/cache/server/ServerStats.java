package dev.cairn.cache.server;

/**
 * INFO stats' server-wide counters: commands, connections, network traffic, the instantaneous rates
 * sampled from them and the memory peak. Written by the keyspace thread; metrics scrapes only read
 * them.
 */
public final class ServerStats {
  public long totalCommands;
  public long totalConnections;
  public long rejectedConnections;
  public long netInputBytes;
  public long netOutputBytes;
  public long readsProcessed;
  public long writesProcessed;
  long peakMemory;
  final InstantaneousRate opsRate = new InstantaneousRate();
  final InstantaneousRate inputRate = new InstantaneousRate();
  final InstantaneousRate outputRate = new InstantaneousRate();

  /** Every 100 ms, as Redis's serverCron: instantaneous rates and the memory peak. */
  void sample(long usedMemory) {
    long now = System.currentTimeMillis();
    opsRate.sample(totalCommands, now);
    inputRate.sample(netInputBytes, now);
    outputRate.sample(netOutputBytes, now);
    peakMemory = Math.max(peakMemory, usedMemory);
  }

  /** CONFIG RESETSTAT. */
  void reset() {
    totalCommands = 0;
    netInputBytes = 0;
    netOutputBytes = 0;
    readsProcessed = 0;
    writesProcessed = 0;
    totalConnections = 0;
    rejectedConnections = 0;
    peakMemory = 0;
    opsRate.reset();
    inputRate.reset();
    outputRate.reset();
  }
}
