package dev.cairn.operator.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.Conditions;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.RollingRestart;
import dev.cairn.operator.ensemble.ServerState.Role;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuorumHealthTest {
  static final Health STARTING = Health.progressing("PodsStarting", "1 of 3 pods are ready.");
  static final EnsembleView NO_LEADER =
      EnsembleViewTest.three(Role.NOT_SERVING, Role.FOLLOWER, Role.UNKNOWN, -1);

  static EnsembleStatus status(String leader, Health health) {
    EnsembleStatus s = new EnsembleStatus();
    s.leader = leader;
    s.conditions = Conditions.of(health, null, 1, Instant.EPOCH);
    return s;
  }

  @Test
  void aNewEnsembleElectingItsFirstLeaderIsStartingNotDegraded() {
    assertThat(QuorumHealth.assess(NO_LEADER, null, STARTING)).isEqualTo(STARTING);
    assertThat(QuorumHealth.assess(NO_LEADER, status(null, STARTING), STARTING))
        .isEqualTo(STARTING);
  }

  @Test
  void anEnsembleThatHadALeaderAndHasNoneIsDegradedUntilOneIsBack() {
    Health lost = QuorumHealth.assess(NO_LEADER, status("zk-1", STARTING), STARTING);
    assertThat(lost.state()).isEqualTo(Health.State.DEGRADED);
    assertThat(lost.reason()).isEqualTo("QuorumLost");
    assertThat(lost.message())
        .contains("No server of 3 leads")
        .contains("until 2 of them elect a leader");

    assertThat(QuorumHealth.assess(NO_LEADER, status(null, lost), STARTING)).isEqualTo(lost);
    EnsembleView back = EnsembleViewTest.three(Role.LEADER, Role.FOLLOWER, Role.NOT_SERVING, 1);
    assertThat(QuorumHealth.assess(back, status(null, lost), STARTING)).isEqualTo(STARTING);
  }

  @Test
  void theElectionAfterTheOperatorRestartsTheLeaderIsAQuorumLossToo() {
    Health rolling =
        Health.progressing(RollingRestart.REASON, "Rolling restart: waiting for pod zk-1 …");
    assertThat(QuorumHealth.assess(NO_LEADER, status("zk-1", rolling), rolling).reason())
        .isEqualTo("QuorumLost");
  }

  @Test
  void readyPodsWithoutAnAnsweringLeaderAreCheckedAgainNeverCalledLost() {
    Health allReady = Health.ready("AllPodsReady", "All 3 pods are ready.");
    Health unknown = QuorumHealth.assess(NO_LEADER, null, allReady);
    assertThat(unknown.state()).isEqualTo(Health.State.PROGRESSING);
    assertThat(unknown.reason()).isEqualTo("LeaderUnknown");
    assertThat(QuorumHealth.assess(NO_LEADER, status("zk-1", unknown), allReady))
        .isEqualTo(unknown);

    // Once the pods turn unready as well, the quorum is gone.
    assertThat(QuorumHealth.assess(NO_LEADER, status(null, unknown), STARTING).reason())
        .isEqualTo("QuorumLost");
  }
}
