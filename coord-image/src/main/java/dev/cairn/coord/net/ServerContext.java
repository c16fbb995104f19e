package dev.cairn.coord.net;

import dev.cairn.common.net.InFlight;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.quorum.QuorumPeer;
import dev.cairn.coord.server.RequestProcessor;
import dev.cairn.coord.server.ServerStats;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a client connection needs of the server: configuration, the pipeline's entry, sessions, the
 * tree (for watches and the last zxid), stats and the registry of open connections.
 *
 * @param outstanding requests queued in the pipeline (for the four-letter words)
 * @param quorum this server in its ensemble, or null when standalone
 */
public record ServerContext(
    CoordinatorConfig config,
    RequestProcessor pipeline,
    SessionTracker sessions,
    DataTree tree,
    ServerStats stats,
    Connections connections,
    InFlight inFlight,
    IntSupplier outstanding,
    Supplier<QuorumPeer.Status> quorum) {

  /** ZooKeeper's mode name: standalone, leader, follower, observer; null while not serving. */
  public String mode() {
    if (quorum == null) {
      return "standalone";
    }
    QuorumPeer.Status status = quorum.get();
    if (status == null || !status.serving()) {
      return null;
    }
    return switch (status.state()) {
      case LEADING -> "leader";
      case FOLLOWING -> "follower";
      case OBSERVING -> "observer";
      case LOOKING -> null;
    };
  }
}
