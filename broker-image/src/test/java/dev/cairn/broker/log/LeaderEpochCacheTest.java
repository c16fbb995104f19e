package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.log.LeaderEpochCache.EpochEnd;
import org.junit.jupiter.api.Test;

/** OffsetForLeaderEpoch answers as Kafka's leader-epoch cache gives them. */
class LeaderEpochCacheTest {
  @Test
  void epochsEndWhereTheNextBeginsAndUnknownNewerEpochsAreUndefined() {
    LeaderEpochCache cache = new LeaderEpochCache();
    cache.assign(2, 5);
    cache.assign(4, 9);
    long logEnd = 12;
    assertThat(cache.endOffsetFor(4, logEnd)).isEqualTo(new EpochEnd(4, 12));
    assertThat(cache.endOffsetFor(3, logEnd)).isEqualTo(new EpochEnd(2, 9));
    assertThat(cache.endOffsetFor(2, logEnd)).isEqualTo(new EpochEnd(2, 9));
    assertThat(cache.endOffsetFor(1, logEnd))
        .as("older than every known epoch: it ends where the first known one starts")
        .isEqualTo(new EpochEnd(1, 5));
    assertThat(cache.endOffsetFor(5, logEnd))
        .as("newer than every known epoch")
        .isEqualTo(LeaderEpochCache.UNDEFINED);
    assertThat(cache.endOffsetFor(-1, logEnd)).isEqualTo(LeaderEpochCache.UNDEFINED);
    assertThat(new LeaderEpochCache().endOffsetFor(0, 0)).isEqualTo(LeaderEpochCache.UNDEFINED);
  }
}
