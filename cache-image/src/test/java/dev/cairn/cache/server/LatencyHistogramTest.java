package dev.cairn.cache.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void smallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (int v = 1; v <= 60; v++) {
      h.record(v);
    }
    assertThat(h.valueAt(50)).isEqualTo(30);
    assertThat(h.valueAt(100)).isEqualTo(60);
    assertThat(h.total()).isEqualTo(60);
  }

  /** Above 64 µs a percentile is its bucket's top: never below the value, at most 1/32 above. */
  @Test
  void largeValuesKeepTwoSignificantDigits() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 100_000; v++) {
      h.record(v);
    }
    for (double p : new double[] {50, 99, 99.9}) {
      long exact = (long) (p / 100 * 100_000 + 0.5);
      assertThat(h.valueAt(p)).as("p" + p).isBetween(exact, exact + exact / 32);
    }
  }

  @Test
  void aSlowOutlierShowsOnlyInTheHighPercentiles() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 999; i++) {
      h.record(10);
    }
    h.record(5_000_000); // five seconds
    assertThat(h.valueAt(50)).isEqualTo(10);
    assertThat(h.valueAt(99.9)).isEqualTo(10);
    assertThat(h.valueAt(100)).isBetween(5_000_000L, 5_000_000L + 5_000_000L / 32);
  }
}
