package dev.cairn.common.sim;

/**
 * How the simulated network misbehaves. Messages take a uniform delay in {@code [minDelayMillis,
 * maxDelayMillis]}, so messages overtake each other unless the network is FIFO.
 *
 * <p>A datagram network ({@code fifo == false}) drops, duplicates and reorders each message on its
 * own. A FIFO network models TCP connections, which Zab and Kafka replication assume: messages
 * between two nodes arrive in order and at most once, and a lost message breaks the connection:
 * everything after it on that connection is lost too and both ends are told {@link
 * SimProcess#disconnected}.
 */
public record NetworkFaults(
    long minDelayMillis,
    long maxDelayMillis,
    double dropProbability,
    double duplicateProbability,
    boolean fifo) {

  public NetworkFaults {
    if (minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
      throw new IllegalArgumentException(
          "delays must satisfy 0 <= min <= max: " + minDelayMillis + ", " + maxDelayMillis);
    }
    if (dropProbability < 0 || dropProbability > 1) {
      throw new IllegalArgumentException("drop probability not in [0, 1]: " + dropProbability);
    }
    if (duplicateProbability < 0 || duplicateProbability > 1 || fifo && duplicateProbability > 0) {
      throw new IllegalArgumentException(
          "duplicate probability must be in [0, 1] and 0 on a FIFO network: "
              + duplicateProbability);
    }
  }

  /** A reliable network with the given delays. */
  public static NetworkFaults reliable(long minDelayMillis, long maxDelayMillis, boolean fifo) {
    return new NetworkFaults(minDelayMillis, maxDelayMillis, 0, 0, fifo);
  }
}
