package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FastLeaderElectionTest {
  private static final Membership THREE = TestMemberships.of(0, Set.of(1, 2, 3), Set.of());

  private static FastLeaderElection looking(long zxid, long epoch) {
    return new FastLeaderElection(
        1, new Quorums(THREE, null), 200, new Outbox(), 0, zxid, epoch, 0);
  }

  @Test
  void theVoteWithTheLongestHistoryWinsAfterTheFinalizeWait() {
    FastLeaderElection election = looking(Zxid.of(1, 5), 1);
    assertThat(
            election.receive(
                2,
                new Notification(new Vote(2, Zxid.of(1, 9), 1, 1), ServerState.LOOKING, THREE),
                10))
        .isNull();
    assertThat(election.proposal().leader()).isEqualTo(2);
    assertThat(election.tick(100)).as("still within the finalize wait").isNull();
    assertThat(election.tick(210).vote().leader()).isEqualTo(2);
  }

  @Test
  void aBetterVoteDuringTheFinalizeWaitStartsItAgain() {
    FastLeaderElection election = looking(Zxid.of(1, 5), 1);
    election.receive(
        2, new Notification(new Vote(2, Zxid.of(1, 5), 1, 1), ServerState.LOOKING, THREE), 0);
    election.receive(
        3, new Notification(new Vote(3, Zxid.of(1, 5), 1, 1), ServerState.LOOKING, THREE), 150);
    assertThat(election.tick(210)).isNull();
    assertThat(election.tick(360).vote().leader()).isEqualTo(3);
  }

  @Test
  void aLookingServerJoinsALeaderWhoseFollowersJoinedInDifferentRounds() {
    FastLeaderElection election = looking(Zxid.of(2, 6), 3);
    Vote leaderVote = new Vote(2, Zxid.of(2, 6), 3, 3);
    Vote followerJoinedEarlier = new Vote(2, Zxid.of(1, 38), 2, 3);
    assertThat(
            election.receive(
                3, new Notification(followerJoinedEarlier, ServerState.FOLLOWING, THREE), 0))
        .isNull();
    FastLeaderElection.Decision decision =
        election.receive(2, new Notification(leaderVote, ServerState.LEADING, THREE), 5);
    assertThat(decision).isNotNull();
    assertThat(decision.vote().leader()).isEqualTo(2);
  }

  /**
   * Found by the reconfiguration simulation (seed 9574): servers that had not logged a
   * reconfiguration decided on fewer votes than the one they chose waits for, then followed it
   * while it went on looking; as in ZooKeeper, a quorum following this server in its round makes it
   * lead.
   */
  @Test
  void aLookingServerThatAQuorumFollowsInItsRoundLeads() {
    FastLeaderElection election = looking(Zxid.of(2, 9), 2);
    Vote me = new Vote(1, Zxid.of(2, 9), 1, 2);
    FastLeaderElection.Decision decision =
        election.receive(2, new Notification(me, ServerState.FOLLOWING, THREE), 0);
    assertThat(decision).isNotNull();
    assertThat(decision.vote().leader()).isEqualTo(1);
  }

  @Test
  void followersWithoutTheLeaderConfirmingAreNotEnough() {
    FastLeaderElection election = looking(0, 0);
    Vote vote = new Vote(3, Zxid.of(1, 1), 4, 1);
    assertThat(election.receive(2, new Notification(vote, ServerState.FOLLOWING, THREE), 0))
        .isNull();
    assertThat(election.tick(1_000)).isNull();
  }
}
