package dev.cairn.common.net;

/**
 * Sends a protocol message to another node by its id. Delivery is the driver's business: a state
 * machine only names the recipient, so the same machine runs over sockets and over the simulator's
 * network, which may delay, drop, duplicate or cut what is sent.
 *
 * @param <M> the protocol's message type
 */
@FunctionalInterface
public interface Transport<M> {
  void send(int to, M message);
}
