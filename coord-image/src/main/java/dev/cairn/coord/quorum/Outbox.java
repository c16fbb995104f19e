package dev.cairn.coord.quorum;

import dev.cairn.common.net.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages a step decided to send, held until the step's writes are synced: a peer must not
 * acknowledge a txn, or tell others about it, before it is durable here.
 */
final class Outbox {
  private record Outgoing(int to, QuorumMessage message) {}

  private final List<Outgoing> pending = new ArrayList<>();

  void send(int to, QuorumMessage message) {
    pending.add(new Outgoing(to, message));
  }

  void releaseTo(Transport<QuorumMessage> transport) {
    for (int i = 0; i < pending.size(); i++) {
      Outgoing o = pending.get(i);
      transport.send(o.to, o.message);
    }
    pending.clear();
  }
}
