package dev.cairn.coord.quorum;

/**
 * How a peer starts and how patient it is, in milliseconds of its monotonic clock.
 *
 * @param myId this server's id ({@code myid})
 * @param initial the configuration zoo.cfg (or its dynamic file) names; a peer that has committed a
 *     newer one keeps that in its storage and uses it instead
 * @param initLimitMillis how long a learner may take to connect and sync with a leader
 * @param syncLimitMillis how long a leader and a learner may go without hearing each other
 * @param finalizeWaitMillis how long an election waits for a better vote once one has a quorum
 * @param snapCount txns applied between snapshots, after which the log forgets what the snapshot
 *     holds (0: never)
 */
public record QuorumConfig(
    int myId,
    Membership initial,
    long initLimitMillis,
    long syncLimitMillis,
    long finalizeWaitMillis,
    int snapCount) {

  public QuorumConfig {
    if (initial.voters().isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one voting member");
    }
  }
}
