package dev.cairn.operator.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.ensemble.EnsembleScaling.Kind;
import dev.cairn.operator.ensemble.ServerState.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnsembleScalingTest {
  /** {@code roles[i]} is server i+1's; the leader reports {@code synced} followers. */
  private static EnsembleView view(int replicas, Set<Integer> voters, int synced, Role... roles) {
    List<EnsembleView.Member> members = new ArrayList<>();
    for (int i = 0; i < roles.length; i++) {
      members.add(
          new EnsembleView.Member(
              "zk-" + i,
              i,
              new ServerState(roles[i], 0x100000002L, roles[i] == Role.LEADER ? synced : -1)));
    }
    return new EnsembleView(replicas, members, voters, "10.0.0.1:2181");
  }

  private static final Role L = Role.LEADER;
  private static final Role F = Role.FOLLOWER;
  private static final Role N = Role.NOT_SERVING;

  @Test
  void aSteadyEnsembleOnlyAppliesItsWorkload() {
    assertThat(EnsembleScaling.next(3, view(3, Set.of(1, 2, 3), 2, F, L, F)).kind())
        .isEqualTo(Kind.APPLY);
    assertThat(EnsembleScaling.next(1, view(1, null, -1, Role.STANDALONE)).kind())
        .isEqualTo(Kind.APPLY);
  }

  @Test
  void scalingUpGrowsThePodsFirstThenAddsEachSyncedServerLowestFirst() {
    // The StatefulSet still runs 3: apply (it grows), nothing to add yet.
    assertThat(EnsembleScaling.next(5, view(3, Set.of(1, 2, 3), 2, F, L, F)).kind())
        .isEqualTo(Kind.APPLY);
    // server.4 is still starting: wait for it by applying again later, add nothing.
    assertThat(EnsembleScaling.next(5, view(5, Set.of(1, 2, 3), 2, F, L, F, N, F)).kind())
        .isEqualTo(Kind.APPLY);
    EnsembleScaling add = EnsembleScaling.next(5, view(5, Set.of(1, 2, 3), 4, F, L, F, F, F));
    assertThat(add.kind()).isEqualTo(Kind.ADD);
    assertThat(add.serverId()).isEqualTo(4);
    assertThat(EnsembleScaling.next(5, view(5, Set.of(1, 2, 3, 4), 4, F, L, F, F, F)).serverId())
        .isEqualTo(5);
    assertThat(EnsembleScaling.next(5, view(5, Set.of(1, 2, 3, 4, 5), 4, F, L, F, F, F)).kind())
        .isEqualTo(Kind.APPLY);
  }

  @Test
  void scalingDownRemovesTheHighestVoterOnlyWhileTheEnsembleIsWholeAndShrinksThePodsLast() {
    EnsembleScaling remove =
        EnsembleScaling.next(3, view(5, Set.of(1, 2, 3, 4, 5), 4, F, F, F, F, L));
    assertThat(remove.kind()).as("even the leader: it hands over").isEqualTo(Kind.REMOVE);
    assertThat(remove.serverId()).isEqualTo(5);
    EnsembleScaling lagging =
        EnsembleScaling.next(3, view(5, Set.of(1, 2, 3, 4), 2, F, L, F, N, F));
    assertThat(lagging.kind()).isEqualTo(Kind.WAIT);
    assertThat(lagging.message()).contains("server.4", "2 of 3 followers in sync");
    assertThat(EnsembleScaling.next(3, view(5, Set.of(1, 2, 3, 4), 3, F, L, F, F, N)).kind())
        .as("server.5, no voter any more, may lag")
        .isEqualTo(Kind.REMOVE);
    assertThat(EnsembleScaling.next(3, view(5, Set.of(1, 2, 3, 4), 4, N, N, N, N, N)).kind())
        .as("no leader")
        .isEqualTo(Kind.WAIT);
    assertThat(EnsembleScaling.next(3, view(5, Set.of(1, 2, 3), 4, F, L, F, F, F)).kind())
        .as("voters are 1..3: the StatefulSet may shrink")
        .isEqualTo(Kind.APPLY);
  }

  @Test
  void anUnknownMembershipHoldsAScaleButNotASteadyEnsemble() {
    assertThat(EnsembleScaling.next(5, view(3, null, -1, N, N, N)).kind()).isEqualTo(Kind.WAIT);
    assertThat(EnsembleScaling.next(3, view(3, null, -1, N, N, N)).kind()).isEqualTo(Kind.APPLY);
  }

  @Test
  void betweenOneServerAndSeveralIsRefused() {
    EnsembleScaling refused = EnsembleScaling.next(3, view(1, null, -1, Role.STANDALONE));
    assertThat(refused.kind()).isEqualTo(Kind.REFUSE);
    assertThat(refused.message()).contains("from 1 to 3");
    assertThat(EnsembleScaling.next(1, view(3, Set.of(1, 2, 3), 2, F, L, F)).kind())
        .isEqualTo(Kind.REFUSE);
  }

  @Test
  void theVotersAreTheConfigsParticipants() {
    assertThat(
            ZooKeeperMembership.parseVoters(
                "server.1=a:2888:3888:participant;0.0.0.0:2181\n"
                    + "server.2=b:2888:3888:participant;2181\n"
                    + "server.3=c:2888:3888:observer;2181\n"
                    + "server.4=d:2888:3888\n"
                    + "version=100000003"))
        .containsExactly(1, 2, 4);
  }

  @Test
  void theSuperDigestIsZooKeepers() throws Exception {
    assertThat(EnsembleSuperUser.digest("secret"))
        .isEqualTo(
            org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest(
                "super:secret"));
  }
}
