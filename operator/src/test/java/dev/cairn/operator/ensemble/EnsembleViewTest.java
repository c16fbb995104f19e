package dev.cairn.operator.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.ensemble.ServerState.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnsembleViewTest {
  static EnsembleView.Member member(int ordinal, Role role, int synced) {
    return new EnsembleView.Member(
        "zk-" + ordinal, ordinal, new ServerState(role, 0x100000002L, synced));
  }

  static EnsembleView three(Role r0, Role r1, Role r2, int synced) {
    return new EnsembleView(
        3,
        List.of(
            member(0, r0, r0 == Role.LEADER ? synced : -1),
            member(1, r1, r1 == Role.LEADER ? synced : -1),
            member(2, r2, r2 == Role.LEADER ? synced : -1)));
  }

  @Test
  void aWholeEnsembleAllowsARestartAndKeepsItsLeaderForLast() {
    EnsembleView view = three(Role.FOLLOWER, Role.LEADER, Role.FOLLOWER, 2);
    assertThat(view.restartBlocked()).isNull();
    assertThat(view.last()).isEqualTo("zk-1");
    assertThat(view.quorumSize()).isEqualTo(2);
    assertThat(view.quorumLost()).isFalse();
  }

  @Test
  void aFollowerOutOfSyncBlocksRestarts() {
    EnsembleView view = three(Role.FOLLOWER, Role.LEADER, Role.FOLLOWER, 1);
    assertThat(view.restartBlocked()).isEqualTo("the leader zk-1 has 1 of 2 followers in sync");
  }

  @Test
  void noLeaderBlocksRestartsAndIsAQuorumLost() {
    EnsembleView view = three(Role.NOT_SERVING, Role.UNKNOWN, Role.NOT_SERVING, -1);
    assertThat(view.restartBlocked()).isEqualTo("no server leads the ensemble");
    assertThat(view.leader()).isNull();
    assertThat(view.quorumLost()).isTrue();
  }

  @Test
  void aSingleServerLeadsItselfAndNeverBlocks() {
    EnsembleView view = new EnsembleView(1, List.of(member(0, Role.UNKNOWN, -1)));
    assertThat(view.leader()).isEqualTo("zk-0");
    assertThat(view.restartBlocked()).isNull();
    assertThat(view.quorumLost()).isFalse();
    assertThat(view.quorumSize()).isEqualTo(1);
  }

  @Test
  void quorumSizeIsAMajority() {
    assertThat(new EnsembleView(5, List.of()).quorumSize()).isEqualTo(3);
    assertThat(new EnsembleView(7, List.of()).quorumSize()).isEqualTo(4);
  }
}
