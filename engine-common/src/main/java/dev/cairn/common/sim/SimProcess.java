package dev.cairn.common.sim;

/**
 * A node as the simulator drives it: the driver of a pure state machine, fed messages and ticks on
 * the simulator's one thread. It sends through its {@link NodeEnv#transport()} and persists to its
 * {@link NodeEnv#storage()}; a crash discards the instance, a restart builds a new one over the
 * same storage.
 */
public interface SimProcess<M> {
  void receive(int from, M message);

  /** Called every {@link Simulator#tickMillis()} of simulated time while the node is up. */
  void tick();

  /**
   * On FIFO networks: the connection to {@code peer} broke (a message was lost, a partition cut it,
   * the peer crashed). Nothing sent on it before will arrive after this.
   */
  default void disconnected(int peer) {}
}
