package dev.cairn.common.sim;

import java.util.function.LongConsumer;

/**
 * Runs a simulation scenario over many seeds, bounded in count and in wall time, and names the seed
 * that failed so it can be replayed: {@code -Dcairn.sim.seed=<seed>} runs that seed alone, and a
 * seed that once failed belongs in the scenario's regression list for good.
 */
public final class Seeds {
  private Seeds() {}

  /** What a run covered. */
  public record Summary(long runs, long firstSeed, long elapsedMillis) {}

  /**
   * Runs {@code scenario} for seeds {@code first, first + 1, ...} until {@code maxRuns} ran or
   * {@code maxMillis} of wall time passed (at least one run either way). A seed whose scenario
   * throws fails with an {@link AssertionError} naming it.
   */
  public static Summary run(long first, long maxRuns, long maxMillis, LongConsumer scenario) {
    String pinned = System.getProperty("cairn.sim.seed");
    if (pinned != null && !pinned.isBlank()) {
      long seed = Long.parseLong(pinned.trim());
      runOne(seed, scenario);
      return new Summary(1, seed, 0);
    }
    long started = System.nanoTime();
    long runs = 0;
    while (runs < maxRuns && (runs == 0 || elapsedMillis(started) < maxMillis)) {
      runOne(first + runs, scenario);
      runs++;
    }
    return new Summary(runs, first, elapsedMillis(started));
  }

  /** Runs one seed, naming it if the scenario fails. */
  public static void runOne(long seed, LongConsumer scenario) {
    try {
      scenario.accept(seed);
    } catch (Throwable failure) {
      AssertionError named =
          new AssertionError(
              "simulation seed "
                  + seed
                  + " failed (replay: -Dcairn.sim.seed="
                  + seed
                  + "): "
                  + failure.getMessage(),
              failure);
      throw named;
    }
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }
}
