package dev.cairn.coord.server;

import dev.cairn.coord.acl.Acls;
import dev.cairn.coord.acl.Perms;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.KeeperError;
import dev.cairn.coord.quorum.Membership;
import dev.cairn.coord.quorum.QuorumPeer;
import dev.cairn.coord.quorum.ServerSpec;
import dev.cairn.coord.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.txn.SetDataTxn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's preparation of a {@code reconfig} request, with ZooKeeper's checks in its order
 * ({@code PrepRequestProcessor}): reconfig enabled (RECONFIGDISABLED), no other reconfiguration in
 * flight (RECONFIGINPROGRESS), the caller's {@code fromConfig} (BADVERSION), the new configuration
 * well formed — incremental {@code joining}/{@code leaving} applied to the current one, or the
 * whole {@code newMembers} (BADARGUMENTS) — a synced quorum of its voters (NEWCONFIGNOQUORUM), and
 * write permission on {@code /zookeeper/config} (NOAUTH; only a super user has it by default). The
 * txn sets the config node to the new configuration's text, versioned by its own zxid.
 */
public final class Reconfiguration {
  private static final Logger log = LoggerFactory.getLogger(Reconfiguration.class);

  private final DataTree tree;
  private final boolean enabled;
  private final boolean standaloneEnabled;

  public Reconfiguration(DataTree tree, boolean enabled, boolean standaloneEnabled) {
    this.tree = tree;
    this.enabled = enabled;
    this.standaloneEnabled = standaloneEnabled;
  }

  /** The txn of a reconfig request the leader {@code peer} gives {@code zxid}, or the error. */
  SetDataTxn prepare(QuorumPeer peer, ReconfigRequest request, List<Id> auth, long zxid)
      throws KeeperError {
    if (!enabled) {
      throw new KeeperError(Err.RECONFIGDISABLED);
    }
    if (peer.pendingMembership() != null) {
      throw new KeeperError(Err.RECONFIGINPROGRESS);
    }
    Membership current = peer.membership();
    if (request.getCurConfigId() != -1 && request.getCurConfigId() != current.version()) {
      throw new KeeperError(Err.BADVERSION);
    }
    Membership next;
    try {
      next =
          request.getNewMembers() != null
              ? Membership.parse(request.getNewMembers(), zxid).withVersion(zxid)
              : incremental(current, request, zxid);
    } catch (IllegalArgumentException e) {
      log.warn("reconfig refused: {}", e.getMessage());
      throw new KeeperError(Err.BADARGUMENTS);
    }
    int voters = next.voters().size();
    if (voters < (standaloneEnabled ? 2 : 1)) {
      log.warn(
          "reconfig refused: the new configuration must include at least {} followers",
          standaloneEnabled ? 2 : 1);
      throw new KeeperError(Err.BADARGUMENTS);
    }
    if (peer.checkReconfig(next) != QuorumPeer.ReconfigCheck.OK) {
      log.warn(
          "reconfig refused: no connected and synced quorum of the new voters {}", next.voters());
      throw new KeeperError(Err.NEWCONFIGNOQUORUM);
    }
    Acls.check(tree.node(DataTree.CONFIG_NODE).acl(), Perms.WRITE, auth);
    log.info(
        "reconfig to version {}: voters {}, servers {}",
        Long.toHexString(zxid),
        next.voters(),
        next.servers().keySet());
    return new SetDataTxn(
        DataTree.CONFIG_NODE, next.toString().getBytes(StandardCharsets.UTF_8), -1);
  }

  /** ZooKeeper's incremental change: leaving ids removed, joining {@code server.N=spec} put. */
  private static Membership incremental(Membership current, ReconfigRequest request, long zxid) {
    Map<Integer, ServerSpec> servers = new TreeMap<>(current.servers());
    if (request.getLeavingServers() != null) {
      for (String leaving : request.getLeavingServers().split(",")) {
        if (!leaving.isBlank()) {
          servers.remove(Membership.serverId("server." + leaving.trim()));
        }
      }
    }
    if (request.getJoiningServers() != null) {
      for (String joining : request.getJoiningServers().split(",")) {
        if (joining.isBlank()) {
          continue;
        }
        String[] parts = joining.split("=");
        if (parts.length != 2) {
          throw new IllegalArgumentException("'" + joining + "' is not server.N=spec");
        }
        int id = Membership.serverId(parts[0].trim());
        ServerSpec spec = ServerSpec.parse(parts[1]);
        if (spec.clientPort() < 0) {
          throw new IllegalArgumentException(
              "'" + joining + "' names no client port: each server needs its three ports");
        }
        servers.forEach((other, s) -> {
          if (other != id && s.sharesAnAddressWith(spec)) {
            throw new IllegalArgumentException(
                "server." + id + " would share an address with server." + other);
          }
        });
        servers.put(id, spec);
      }
    }
    return Membership.of(zxid, servers);
  }
}
