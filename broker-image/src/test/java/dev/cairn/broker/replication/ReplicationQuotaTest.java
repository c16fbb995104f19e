package dev.cairn.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplicationQuotaTest {
  @Test
  void theRateIsMeasuredOverTheElapsedWindowButAtLeastOneSecond() {
    ReplicationQuota quota = new ReplicationQuota();
    assertThat(quota.exceeded(1000, 10_000)).as("nothing recorded yet").isFalse();
    quota.record(900, 10_000);
    assertThat(quota.exceeded(1000, 10_100)).as("900 B in the first second").isFalse();
    quota.record(200, 10_200);
    assertThat(quota.exceeded(1000, 10_300)).as("1100 B within one second").isTrue();
    assertThat(quota.exceeded(1000, 11_200)).as("1100 B over 1.2 s").isFalse();
    assertThat(quota.exceeded(Long.MAX_VALUE, 10_300)).as("unlimited").isFalse();
  }

  @Test
  void samplesOlderThanTheWindowNoLongerCount() {
    ReplicationQuota quota = new ReplicationQuota();
    quota.record(50_000, 0);
    assertThat(quota.exceeded(1000, 5_000)).isTrue();
    assertThat(quota.exceeded(1000, (ReplicationQuota.SAMPLES + 1) * 1000L)).isFalse();
  }

  @Test
  void throttledReplicasNameEveryReplicaOrPartitionBrokerPairs() {
    assertThat(ReplicationQuota.lists("*", 3, 7)).isTrue();
    assertThat(ReplicationQuota.lists("0:1, 3:7", 3, 7)).isTrue();
    assertThat(ReplicationQuota.lists("0:1,3:6", 3, 7)).isFalse();
    assertThat(ReplicationQuota.lists("", 0, 1)).isFalse();
    assertThat(ReplicationQuota.lists(null, 0, 1)).isFalse();
  }
}
