package dev.cairn.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionStateMachineTest {
  final List<Integer> replicas = List.of(1, 2, 3);

  @Test
  void newPartitionIsLedByItsFirstLiveReplica() {
    PartitionState s = PartitionStateMachine.initial(replicas, Set.of(2, 3), 1);
    assertThat(s.leader()).isEqualTo(2);
    assertThat(s.isr()).containsExactly(2, 3);
    assertThat(s.leaderEpoch()).isZero();
  }

  @Test
  void deadLeaderIsReplacedFromTheIsrWithAHigherEpoch() {
    PartitionState s = new PartitionState(1, 4, List.of(1, 3), 1);
    PartitionState next =
        PartitionStateMachine.onLiveBrokersChanged(replicas, s, Set.of(2, 3), false, 2);
    assertThat(next.leader()).isEqualTo(3);
    assertThat(next.leaderEpoch()).isEqualTo(5);
    assertThat(next.isr()).containsExactly(3);
  }

  @Test
  void withoutALiveIsrMemberThePartitionGoesOfflineUnlessUncleanElectionIsOn() {
    PartitionState s = new PartitionState(1, 0, List.of(1), 1);
    PartitionState offline =
        PartitionStateMachine.onLiveBrokersChanged(replicas, s, Set.of(2), false, 1);
    assertThat(offline.leader()).isEqualTo(PartitionState.NO_LEADER);
    assertThat(offline.isr()).containsExactly(1);
    PartitionState back =
        PartitionStateMachine.onLiveBrokersChanged(replicas, offline, Set.of(1, 2), false, 1);
    assertThat(back.leader()).isEqualTo(1);
    PartitionState unclean =
        PartitionStateMachine.onLiveBrokersChanged(replicas, s, Set.of(2), true, 1);
    assertThat(unclean.leader()).isEqualTo(2);
  }

  @Test
  void aLiveLeaderIsLeftAlone() {
    PartitionState s = new PartitionState(2, 3, List.of(2), 1);
    assertThat(PartitionStateMachine.onLiveBrokersChanged(replicas, s, Set.of(2), false, 9))
        .isSameAs(s);
  }
}
