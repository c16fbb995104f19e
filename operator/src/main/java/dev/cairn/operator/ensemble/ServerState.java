package dev.cairn.operator.ensemble;

import java.util.Locale;

/**
 * What one coordinator server said about itself ({@code srvr}, and {@code mntr} on the leader).
 *
 * @param zxid the last zxid it applied, or -1 when unknown
 * @param syncedFollowers on the leader, the followers in sync with it ({@code
 *     zk_synced_followers}); -1 elsewhere
 */
public record ServerState(Role role, long zxid, int syncedFollowers) {
  /** A server's part in the ensemble, as {@code srvr}'s {@code Mode:} line names it. */
  public enum Role {
    LEADER,
    FOLLOWER,
    OBSERVER,
    STANDALONE,
    /** Up, but not in a quorum (electing, or syncing with a new leader): it serves no client. */
    NOT_SERVING,
    /** No answer the operator could read: pod down, unreachable, or the word refused. */
    UNKNOWN;

    /** Whether a server in this role serves clients (it is in a quorum, in sync). */
    public boolean serving() {
      return this == LEADER || this == FOLLOWER || this == OBSERVER || this == STANDALONE;
    }

    /** The name in the Ensemble's status: {@code leader}, {@code not serving}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  public static final ServerState UNKNOWN = new ServerState(Role.UNKNOWN, -1, -1);
  public static final ServerState NOT_SERVING = new ServerState(Role.NOT_SERVING, -1, -1);
}
