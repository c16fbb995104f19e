package dev.cairn.coord.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.zookeeper.KeeperException;

/**
 * What a client observed, step by step: named observations in the order the script made them. A
 * failed step is observed as the {@link KeeperException.Code} the client surfaced ({@code
 * !NODEEXISTS}), not its message, which is free text on either server.
 */
final class Transcript {
  private final Map<String, String> observations = new LinkedHashMap<>();

  void record(String step, Object observed) {
    if (observations.putIfAbsent(step, String.valueOf(observed)) != null) {
      throw new IllegalArgumentException("step observed twice: " + step);
    }
  }

  /** An operation of the script; it may fail with a {@link KeeperException}. */
  interface Step<T> {
    T call() throws Exception;
  }

  /** Runs {@code action} and records its result, or the code of the error it ended with. */
  <T> T attempt(String step, Step<T> action) throws InterruptedException {
    try {
      T result = action.call();
      record(step, result);
      return result;
    } catch (KeeperException e) {
      record(step, "!" + e.code());
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // A client-side failure; its message is printed for whoever reads a difference.
      System.out.println(step + ": " + e);
      record(step, "!" + e.getClass().getSimpleName());
      return null;
    }
  }

  Map<String, String> observations() {
    return observations;
  }

  /**
   * The steps whose observations differ, one {@code step: reference | candidate} block each, plus
   * steps only one side reached; empty when the transcripts are equal.
   */
  List<String> differencesFrom(Transcript reference) {
    Set<String> steps = new LinkedHashSet<>(reference.observations.keySet());
    steps.addAll(observations.keySet());
    List<String> diff = new ArrayList<>();
    for (String step : steps) {
      String expected = reference.observations.get(step);
      String actual = observations.get(step);
      if (!Objects.equals(expected, actual)) {
        diff.add(step + ":\n    zookeeper: " + expected + "\n    cairn:     " + actual);
      }
    }
    return diff;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    observations.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    return sb.toString();
  }
}
