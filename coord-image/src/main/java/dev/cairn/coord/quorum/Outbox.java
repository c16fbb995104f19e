package dev.cairn.coord.quorum;

import dev.cairn.common.net.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Messages a step decided to send, held until the step's writes are synced: a peer must not
 * acknowledge a txn, or tell others about it, before it is durable here.
 */
final class Outbox {
  record Outgoing(int to, QuorumMessage message) {}

  private final List<Outgoing> pending = new ArrayList<>();

  void send(int to, QuorumMessage message) {
    pending.add(new Outgoing(to, message));
  }

  void releaseTo(Transport<QuorumMessage> transport) {
    send(pending, transport);
    pending.clear();
  }

  /**
   * Sends the messages {@code now} accepts and takes the others out, in order, to be {@link #send
   * sent} once the writes they vouch for are durable.
   */
  List<Outgoing> hold(Transport<QuorumMessage> transport, Predicate<QuorumMessage> now) {
    List<Outgoing> held = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      Outgoing o = pending.get(i);
      if (now.test(o.message)) {
        transport.send(o.to, o.message);
      } else {
        held.add(o);
      }
    }
    pending.clear();
    return held;
  }

  static void send(List<Outgoing> messages, Transport<QuorumMessage> transport) {
    for (int i = 0; i < messages.size(); i++) {
      Outgoing o = messages.get(i);
      transport.send(o.to, o.message);
    }
  }
}
