package dev.cairn.broker.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a client observed, step by step: named observations in the order the scenario made them. A
 * failed step is observed as the exception type the client surfaced ({@code !TopicExists...}), not
 * its message, which is free text on either server.
 */
final class Transcript {
  private final Map<String, String> observations = new LinkedHashMap<>();

  void record(String step, Object observed) {
    if (observations.putIfAbsent(step, String.valueOf(observed)) != null) {
      throw new IllegalArgumentException("step observed twice: " + step);
    }
  }

  /** Runs {@code action} and records its result, or the type of the error it ended with. */
  <T> T attempt(String step, Callable<T> action) {
    try {

      T result = action.call();
      record(step, result);
      return result;
    } catch (Exception e) {
      Throwable cause = rootCause(e);
      // The message is free text, not compared; printed for whoever reads a difference.
      System.out.println(step + ": " + cause);
      record(step, "!" + cause.getClass().getSimpleName());
      return null;
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  Map<String, String> observations() {
    return observations;
  }

  /**
   * The steps whose observations differ, one {@code step: reference | candidate} line each, plus
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
        diff.add(step + ":\n    kafka: " + expected + "\n    cairn: " + actual);
      }
    }
    if (diff.isEmpty() && !List.copyOf(steps).equals(List.copyOf(observations.keySet()))) {
      diff.add("same observations in a different order");
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
