package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HighWatermarkStateTest {
  @Test
  void aFollowerNotHeardFromHoldsTheHighWatermarkWhereItStarted() {
    HighWatermarkState hw = new HighWatermarkState(1, Set.of(1, 2), 10, 10);
    assertThat(hw.highWatermark()).as("committed before this epoch stays visible").isEqualTo(10);
    assertThat(hw.onLeaderAppend(15)).isEqualTo(10);
    assertThat(hw.isCommitted(15)).as("acks=all must wait for replica 2").isFalse();
    assertThat(hw.onFollowerLogEnd(2, 12)).isEqualTo(12);
    assertThat(hw.onFollowerLogEnd(2, 15)).isEqualTo(15);
    assertThat(hw.isCommitted(15)).isTrue();
  }

  @Test
  void anIsrShrinkCommitsWhatTheRemainingReplicasHold() {
    HighWatermarkState hw = new HighWatermarkState(1, Set.of(1, 2, 3), 0, 0);
    hw.onLeaderAppend(8);
    hw.onFollowerLogEnd(2, 8);
    assertThat(hw.highWatermark()).as("replica 3 silent").isZero();
    assertThat(hw.onIsrChange(Set.of(1, 2))).isEqualTo(8);
  }

  @Test
  void theHighWatermarkNeverMovesBackNorPassesTheLeadersLogEnd() {
    HighWatermarkState hw = new HighWatermarkState(1, Set.of(1, 2), 5, 9);
    assertThat(hw.highWatermark()).isEqualTo(5);
    hw.onFollowerLogEnd(2, 7);
    hw.onLeaderAppend(7);
    assertThat(hw.highWatermark()).isEqualTo(7);
    assertThat(hw.onFollowerLogEnd(2, 3)).as("a lagging fetch does not lower it").isEqualTo(7);
    assertThat(hw.onIsrChange(Set.of(1, 2, 3))).as("a new unheard member").isEqualTo(7);
  }
}
