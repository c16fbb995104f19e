package dev.cairn.cache.server;

/**
 * A command's latencies in microseconds, for INFO latencystats' percentiles, with the precision of
 * Redis's HdrHistogram (two significant digits): values below 64 have a bucket each; above, each
 * power of two is cut into 32 buckets, so a percentile is off by at most 1/32 of its value. A
 * percentile reports its bucket's highest value, as hdr_value_at_percentile does. At most {@value
 * #BUCKETS} counters (about 7 KiB), allocated for commands that are called; keyspace thread only.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 5;
  private static final int LINEAR = 64;
  static final int BUCKETS = LINEAR + (64 - 6) * (1 << SUB_BITS);

  private final int[] counts = new int[BUCKETS];
  private long total;

  void record(long micros) {
    long v = Math.max(1, micros);
    counts[index(v)]++;
    total++;
  }

  private static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= 6
    int sub = (int) ((v >>> (exp - SUB_BITS)) & ((1 << SUB_BITS) - 1));
    return LINEAR + (exp - 6) * (1 << SUB_BITS) + sub;
  }

  /** The highest value in bucket i. */
  private static long highest(int i) {
    if (i < LINEAR) {
      return i;
    }
    int exp = (i - LINEAR) / (1 << SUB_BITS) + 6;
    int sub = (i - LINEAR) % (1 << SUB_BITS);
    long low = (1L << exp) + ((long) sub << (exp - SUB_BITS));
    return low + (1L << (exp - SUB_BITS)) - 1;
  }

  /**
   * The value at this percentile (0..100): the first bucket by which that share of the calls,
   * rounded as hdr_value_at_percentile rounds it, has been seen.
   */
  long valueAt(double percentile) {
    long wanted = Math.max(1, (long) (percentile / 100.0 * total + 0.5));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= wanted) {
        return highest(i);
      }
    }
    return 0;
  }

  /**
   * LATENCY HISTOGRAM's cumulative distribution, as Redis's log iterator walks its histogram:
   * bounds doubling from 1024 ns, each labelled in µs by the highest value its HdrHistogram bucket
   * holds (1, 2, 4, 8, 16, 33, 66, 132...), with the calls seen up to it, only where that count
   * grows.
   */
  java.util.List<long[]> cumulative() {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    long seen = 0;
    long previous = 0;
    int i = 0;
    for (int k = 0; seen < total && k < 50; k++) {
      long bound = 1024L << k;
      long label = (bound + bound / 128 - 1) / 1000;
      while (i < BUCKETS && highest(i) <= label) {
        seen += counts[i++];
      }
      if (seen > previous) {
        out.add(new long[] {label, seen});
        previous = seen;
      }
    }
    return out;
  }

  long total() {
    return total;
  }
}
