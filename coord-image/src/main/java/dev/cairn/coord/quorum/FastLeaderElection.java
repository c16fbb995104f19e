package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One election round of ZooKeeper's FastLeaderElection, as a pure state machine: notifications in,
 * notifications out, and a decision once a vote has a quorum and no better vote arrived within the
 * finalize wait. Votes order by peer epoch, then zxid, then server id, so the server with the most
 * complete history wins. A peer already following or leading answers a looking peer with its vote
 * (see {@link QuorumPeer}); such answers let a restarted server join the leader it finds there.
 */
final class FastLeaderElection {
  /** The leader this round chose. */
  record Decision(Vote vote) {}

  private final int myId;
  private final Quorums quorums;
  private final long finalizeWaitMillis;
  private final boolean votes;
  private final Outbox outbox;
  private final long lastZxid;
  private final long currentEpoch;
  private long logicalClock;
  private Vote proposal;
  private final Map<Integer, Vote> received = new HashMap<>();
  private final Map<Integer, Notification> outOfElection = new HashMap<>();
  private long finalizeAt = -1;
  private long lastBroadcast;
  private long resendMillis;

  /**
   * Starts a round after {@code previousClock}, voting for this server if it is a voter of either
   * configuration (observers, and servers in neither, vote for none). Votes count from the voters
   * of both configurations, and a decision needs a quorum of each, as in ZooKeeper.
   */
  FastLeaderElection(
      int myId,
      Quorums quorums,
      long finalizeWaitMillis,
      Outbox outbox,
      long previousClock,
      long lastZxid,
      long currentEpoch,
      long now) {
    this.myId = myId;
    this.quorums = quorums;
    this.finalizeWaitMillis = finalizeWaitMillis;
    this.votes = quorums.isVoter(myId);
    this.outbox = outbox;
    this.lastZxid = lastZxid;
    this.currentEpoch = currentEpoch;
    this.logicalClock = previousClock + 1;
    this.proposal = initialVote();
    this.resendMillis = finalizeWaitMillis;
    if (votes) {
      received.put(myId, proposal);
    }
    broadcast(now);
  }

  long logicalClock() {
    return logicalClock;
  }

  Vote proposal() {
    return proposal;
  }

  private Vote initialVote() {
    return !votes
        ? new Vote(Long.MIN_VALUE, Long.MIN_VALUE, logicalClock, Long.MIN_VALUE)
        : new Vote(myId, lastZxid, logicalClock, currentEpoch);
  }

  /** A notification from {@code from}; returns the decision if this round is over. */
  Decision receive(int from, Notification n, long now) {
    Vote v = n.vote();
    if (!quorums.isVoter(from)) {
      return null; // observers' votes count for nothing
    }
    if (n.state() == ServerState.LOOKING) {
      if (v.electionEpoch() > logicalClock) {
        logicalClock = v.electionEpoch();
        received.clear();
        Vote mine = initialVote();
        proposal =
            mine.isBeatenBy(v.leader(), v.zxid(), v.peerEpoch())
                ? new Vote(v.leader(), v.zxid(), logicalClock, v.peerEpoch())
                : mine;
        if (votes) {
          received.put(myId, proposal);
        }
        finalizeAt = -1;
        broadcast(now);
      } else if (v.electionEpoch() < logicalClock) {
        outbox.send(from, new Notification(proposal, ServerState.LOOKING, quorums.committed()));
        return null;
      } else if (proposal.isBeatenBy(v.leader(), v.zxid(), v.peerEpoch())) {
        proposal = new Vote(v.leader(), v.zxid(), logicalClock, v.peerEpoch());
        if (votes) {
          received.put(myId, proposal);
        }
        finalizeAt = -1;
        broadcast(now);
      }
      received.put(from, v);
      if (finalizeAt < 0 && quorums.isQuorum(supporters(received, proposal))) {
        finalizeAt = now + finalizeWaitMillis;
      }
      return null;
    }
    // The sender follows or leads: join its leader once a quorum says so and the leader agrees.
    if (v.electionEpoch() == logicalClock) {
      received.put(from, v);
      if (quorums.isQuorum(supporters(received, v)) && leaderConfirmed(v, from, n.state())) {
        return new Decision(v);
      }
    }
    outOfElection.put(from, n);
    Set<Integer> agreeing = new HashSet<>();
    boolean leaderSaysSo = false;
    for (Map.Entry<Integer, Notification> e : outOfElection.entrySet()) {
      Vote other = e.getValue().vote();
      // Servers out of the election agree when they name the same leader in the same epoch; their
      // election rounds may differ (one may have joined that leader later than the others).
      if (other.leader() == v.leader() && other.peerEpoch() == v.peerEpoch()) {
        agreeing.add(e.getKey());
        leaderSaysSo |= e.getKey() == v.leader() && e.getValue().state() == ServerState.LEADING;
      }
    }
    if (quorums.isQuorum(agreeing) && leaderSaysSo) {
      logicalClock = v.electionEpoch();
      return new Decision(v);
    }
    return null;
  }

  private boolean leaderConfirmed(Vote v, int from, ServerState state) {
    if (v.leader() == myId) {
      // A quorum follows this server in this round (ZooKeeper's checkLeader: "if everyone else
      // thinks I'm the leader, I must be the leader"). It happens when they decided on fewer votes
      // than this server waits for: their view lacks a reconfiguration this server has logged.
      return true;
    }
    if (from == v.leader()) {
      return state == ServerState.LEADING;
    }
    Notification leader = outOfElection.get((int) v.leader());
    return leader != null && leader.state() == ServerState.LEADING;
  }

  /** Resends the vote now and then (a lost connection loses it) and ends the finalize wait. */
  Decision tick(long now) {
    if (finalizeAt >= 0 && now >= finalizeAt) {
      if (quorums.isQuorum(supporters(received, proposal))) {
        return new Decision(proposal);
      }
      finalizeAt = -1;
    }
    if (now - lastBroadcast >= resendMillis) {
      resendMillis = Math.min(resendMillis * 2, 8 * finalizeWaitMillis);
      broadcast(now);
    }
    return null;
  }

  private void broadcast(long now) {
    lastBroadcast = now;
    for (int peer : quorums.servers()) {
      if (peer != myId) {
        outbox.send(peer, new Notification(proposal, ServerState.LOOKING, quorums.committed()));
      }
    }
  }

  private static Set<Integer> supporters(Map<Integer, Vote> votes, Vote candidate) {
    Set<Integer> ids = new HashSet<>();
    votes.forEach((id, vote) -> {
      if (vote.sameCandidate(candidate) && vote.electionEpoch() == candidate.electionEpoch()) {
        ids.add(id);
      }
    });
    return ids;
  }
}
