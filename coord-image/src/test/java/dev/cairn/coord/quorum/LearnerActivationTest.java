package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.sim.SimStorage;
import dev.cairn.common.time.Clock;
import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.CommitAndActivate;
import dev.cairn.coord.quorum.QuorumMessage.Diff;
import dev.cairn.coord.quorum.QuorumMessage.LeaderInfo;
import dev.cairn.coord.quorum.QuorumMessage.NewLeader;
import dev.cairn.coord.quorum.QuorumMessage.Notification;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

/**
 * A follower (server 2 of leader 1) and the configurations its leader puts in force: the one a
 * COMMITANDACTIVATE commits, leaving a leader the activation does not name (as a ZooKeeper follower
 * leaves for the designated one), and a pending one NEWLEADER carries (a ZooKeeper leader's last
 * seen configuration), which comes into force only when its reconfig txn commits.
 */
class LearnerActivationTest {
  private static final Membership THREE = TestMemberships.of(0, Set.of(1, 2, 3), Set.of());
  private static final long RECONFIG_ZXID = Zxid.of(1, 2);
  private static final Membership FOUR =
      TestMemberships.of(RECONFIG_ZXID, Set.of(1, 2, 3, 4), Set.of());

  private final Txn write = new Txn(Zxid.of(1, 1), new byte[] {0, 0, 0, 1});
  private final Txn reconfig = new Txn(RECONFIG_ZXID, new ReconfigTxn(1, 9, 1, FOUR).encode());
  private final List<QuorumMessage> sent = new ArrayList<>();
  private final QuorumPeer peer = follower(sent);

  @Test
  void aCommitAndActivateNamingTheLeaderPutsTheConfigurationInForceAndKeepsFollowing() {
    synced(List.of());
    peer.receive(1, new Proposal(write));
    peer.receive(1, new Proposal(reconfig));
    assertThat(peer.membership()).isEqualTo(THREE);

    peer.receive(1, new CommitAndActivate(RECONFIG_ZXID, 1));

    assertThat(peer.membership()).isEqualTo(FOUR);
    assertThat(peer.appliedZxid()).isEqualTo(RECONFIG_ZXID);
    assertThat(peer.state()).isEqualTo(ServerState.FOLLOWING);
  }

  @Test
  void aCommitAndActivateNamingAnotherLeaderCommitsThenFollowsThatOneWithoutAnElection() {
    reconfigCommittedNaming(3);
    assertThat(peer.state()).isEqualTo(ServerState.FOLLOWING);
    assertThat(peer.leaderId()).isEqualTo(3);
  }

  @Test
  void aCommitAndActivateNamingThisServerMakesItLead() {
    reconfigCommittedNaming(2);
    assertThat(peer.state()).isEqualTo(ServerState.LEADING);
    assertThat(peer.leaderId()).isEqualTo(2);
  }

  @Test
  void aCommitAndActivateNamingNoVoterMakesItElect() {
    reconfigCommittedNaming(7);
    assertThat(peer.state()).isEqualTo(ServerState.LOOKING);
  }

  /** Synced and up to date, the reconfig proposed, then committed naming {@code designated}. */
  private void reconfigCommittedNaming(long designated) {
    synced(List.of());
    peer.receive(1, new Proposal(reconfig));
    peer.receive(1, new CommitAndActivate(RECONFIG_ZXID, designated));
    assertThat(peer.membership()).isEqualTo(FOUR);
  }

  @Test
  void aPendingConfigurationInNewLeaderComesIntoForceWhenItsTxnCommits() {
    peer.receive(1, new LeaderInfo(1));
    peer.receive(1, new Diff(List.of(write, reconfig)));
    peer.receive(1, new NewLeader(1, FOUR));
    assertThat(peer.membership()).as("pending at NEWLEADER").isEqualTo(THREE);

    peer.receive(1, new UpToDate(write.zxid()));
    assertThat(peer.membership()).as("its txn not yet committed").isEqualTo(THREE);

    peer.receive(1, new Commit(RECONFIG_ZXID));
    assertThat(peer.membership()).isEqualTo(FOUR);
    assertThat(peer.state()).isEqualTo(ServerState.FOLLOWING);
  }

  /** Epoch 1 of leader 1 accepted, {@code txns} synced by DIFF, up to date. */
  private void synced(List<Txn> txns) {
    peer.receive(1, new LeaderInfo(1));
    peer.receive(1, new Diff(txns));
    peer.receive(1, new NewLeader(1, THREE));
    peer.receive(1, new UpToDate(Long.MAX_VALUE));
    assertThat(peer.serving()).isTrue();
  }

  /**
   * A server looking for the leader is told the leader's epoch only once this one serves in it, as
   * a ZooKeeper server updates its vote after UPTODATE: until then the decided vote's (0).
   */
  @Test
  void aLookingServerIsToldTheNewEpochOnlyOnceThisOneIsUpToDate() {
    peer.receive(1, new LeaderInfo(1));
    peer.receive(1, new Diff(List.of()));
    peer.receive(1, new NewLeader(1, THREE));
    assertThat(peer.currentEpoch()).isEqualTo(1);
    assertThat(answerToALookingServer().peerEpoch()).isEqualTo(0);

    peer.receive(1, new UpToDate(Long.MAX_VALUE));
    assertThat(answerToALookingServer().peerEpoch()).isEqualTo(1);
  }

  private Vote answerToALookingServer() {
    sent.clear();
    peer.receive(3, new Notification(new Vote(3, 0, 1, 0), ServerState.LOOKING, THREE));
    Notification answer = (Notification) sent.getLast();
    assertThat(answer.state()).isEqualTo(ServerState.FOLLOWING);
    return answer.vote();
  }

  /** Server 2, following leader 1 that server 3 follows too; what it sends goes to {@code sent}. */
  private static QuorumPeer follower(List<QuorumMessage> sent) {
    Clock clock =
        new Clock() {
          @Override
          public long monotonicMillis() {
            return 0;
          }

          @Override
          public long wallMillis() {
            return 0;
          }
        };
    QuorumPeer peer =
        new QuorumPeer(
            new QuorumConfig(2, THREE, 10_000, 5_000, 200, 0),
            clock,
            (to, message) -> sent.add(message),
            new SimStorage(),
            new QuorumPeer.Listener() {
              @Override
              public void apply(Txn txn) {}

              @Override
              public void restore(long zxid, byte[] state) {}

              @Override
              public void request(int from, byte[] request, List<Id> auth) {}

              @Override
              public Membership membershipIn(Txn txn) {
                ReconfigTxn r = ReconfigTxn.decode(txn.data());
                return r == null ? null : r.config();
              }
            });
    Vote leader = new Vote(1, 0, 1, 0);
    peer.receive(1, new Notification(leader, ServerState.LEADING, THREE));
    peer.receive(3, new Notification(leader, ServerState.FOLLOWING, THREE));
    assertThat(peer.state()).isEqualTo(ServerState.FOLLOWING);
    return peer;
  }
}
