package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.EngineView;
import java.util.List;
import java.util.Set;

/**
 * The ensemble as its servers describe themselves in one round of probes; pure, so the rules below
 * are tested without servers.
 *
 * <p>A restart may start only while the ensemble is whole: a leader serves and all its {@code
 * replicas - 1} followers are in sync with it ({@code zk_synced_followers}). Then taking one server
 * down leaves a majority that already holds every committed write, which is what keeps clients from
 * seeing more than a brief ConnectionLoss. A single server has no quorum to keep.
 *
 * @param replicas the servers the ensemble runs (its StatefulSet's replicas)
 * @param members every pod's server, by ordinal
 * @param voters the voting servers of the committed configuration, null when unknown
 * @param connectString the serving pods' client addresses, for the membership client
 */
public record EnsembleView(
    int replicas, List<Member> members, Set<Integer> voters, String connectString)
    implements EngineView {

  public EnsembleView(int replicas, List<Member> members) {
    this(replicas, members, null, null);
  }

  /** One pod's server: {@code server.<ordinal + 1>} in zoo.cfg. */
  public record Member(String pod, int ordinal, ServerState state) {
    public int serverId() {
      return ordinal + 1;
    }
  }

  /** Votes a write needs: a majority of the voters (of the configured servers while unknown). */
  public int quorumSize() {
    return (voters == null || voters.isEmpty() ? replicas : voters.size()) / 2 + 1;
  }

  /** What server {@code serverId} said it is; UNKNOWN when it has no pod. */
  public ServerState.Role role(int serverId) {
    return members.stream()
        .filter(m -> m.serverId() == serverId)
        .map(m -> m.state().role())
        .findFirst()
        .orElse(ServerState.Role.UNKNOWN);
  }

  /** The leading pod (a standalone server leads itself), or null. */
  public String leader() {
    if (replicas == 1 && members.size() == 1) {
      return members.get(0).pod();
    }
    return members.stream()
        .filter(m -> m.state().role() == ServerState.Role.LEADER)
        .map(Member::pod)
        .findFirst()
        .orElse(null);
  }

  /** The leader goes last: restarting it forces an election, which should happen once. */
  @Override
  public String last() {
    return leader();
  }

  @Override
  public String restartBlocked() {
    return replicas == 1 ? null : followersBlocked(replicas - 1);
  }

  /**
   * Why fewer than {@code needed} followers are in sync with a leader (or no server leads), or null
   * when enough are.
   */
  String followersBlocked(int needed) {
    Member leader =
        members.stream()
            .filter(m -> m.state().role() == ServerState.Role.LEADER)
            .findFirst()
            .orElse(null);
    if (leader == null) {
      return "no server leads the ensemble";
    }
    int synced = leader.state().syncedFollowers();
    if (synced < needed) {
      return "the leader "
          + leader.pod()
          + " has "
          + Math.max(synced, 0)
          + " of "
          + needed
          + " followers in sync";
    }
    return null;
  }

  /** A configured ensemble of several servers in which none leads: no write can commit. */
  public boolean quorumLost() {
    return replicas > 1 && leader() == null;
  }
}
