package dev.cairn.coord.quorum;

import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in the ensemble and how patient a peer is, in milliseconds of its monotonic clock.
 *
 * @param myId this server's id ({@code myid})
 * @param voters the participants: they elect, and a majority of them commits
 * @param observers servers that replicate and serve reads but neither vote nor count for commits
 * @param initLimitMillis how long a learner may take to connect and sync with a leader
 * @param syncLimitMillis how long a leader and a learner may go without hearing each other
 * @param finalizeWaitMillis how long an election waits for a better vote once one has a quorum
 * @param snapCount txns applied between snapshots, after which the log forgets what the snapshot
 *     holds (0: never)
 */
public record QuorumConfig(
    int myId,
    Set<Integer> voters,
    Set<Integer> observers,
    long initLimitMillis,
    long syncLimitMillis,
    long finalizeWaitMillis,
    int snapCount) {

  public QuorumConfig {
    voters = Set.copyOf(new TreeSet<>(voters));
    observers = Set.copyOf(new TreeSet<>(observers));
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one voting member");
    }
    if (!voters.contains(myId) && !observers.contains(myId)) {
      throw new IllegalArgumentException("myid " + myId + " is not among the servers " + voters);
    }
    for (int observer : observers) {
      if (voters.contains(observer)) {
        throw new IllegalArgumentException("server " + observer + " is both voter and observer");
      }
    }
  }

  public boolean isQuorum(Set<Integer> ids) {
    int votes = 0;
    for (int id : ids) {
      if (voters.contains(id)) {
        votes++;
      }
    }
    return votes * 2 > voters.size();
  }

  public boolean observer() {
    return observers.contains(myId);
  }

  /** Every other server, voters first. */
  public Set<Integer> peers() {
    Set<Integer> peers = new TreeSet<>(voters);
    peers.addAll(observers);
    peers.remove(myId);
    return peers;
  }
}
