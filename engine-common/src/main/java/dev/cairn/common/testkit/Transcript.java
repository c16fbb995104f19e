package dev.cairn.common.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What a client observed in a differential test, step by step: named observations in the order the
 * script made them, to be compared with the same script's transcript from the reference server
 * (Apache Kafka, Apache ZooKeeper). A failed step is observed as the error's name in the protocol —
 * the caller says how to name an exception — never its message, which is free text on either side.
 */
public final class Transcript {
  /** An operation of the script. */
  @FunctionalInterface
  public interface Step<T> {
    T call() throws Exception;
  }

  private final Map<String, String> observations = new LinkedHashMap<>();
  private final Function<Exception, String> errorName;

  public Transcript(Function<Exception, String> errorName) {
    this.errorName = errorName;
  }

  public void record(String step, Object observed) {
    if (observations.putIfAbsent(step, String.valueOf(observed)) != null) {
      throw new IllegalArgumentException("step observed twice: " + step);
    }
  }

  /** Runs {@code action} and records its result, or {@code !<error name>} if it failed. */
  public <T> T attempt(String step, Step<T> action) {
    try {
      T result = action.call();
      record(step, result);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted at " + step, e);
    } catch (Exception e) {
      // The message is free text, not compared; printed for whoever reads a difference.
      System.out.println(step + ": " + e);
      record(step, "!" + errorName.apply(e));
      return null;
    }
  }

  public Map<String, String> observations() {
    return observations;
  }

  /**
   * The steps whose observations differ, one block each naming both sides, plus steps only one side
   * reached, and a note if the same observations came in another order; empty when equal.
   */
  public List<String> differencesFrom(Transcript reference, String referenceName) {
    Set<String> steps = new LinkedHashSet<>(reference.observations.keySet());
    steps.addAll(observations.keySet());
    List<String> diff = new ArrayList<>();
    String pad = " ".repeat(Math.max(0, referenceName.length() - "cairn".length()));
    for (String step : steps) {
      String expected = reference.observations.get(step);
      String actual = observations.get(step);
      if (!Objects.equals(expected, actual)) {
        diff.add(
            step + ":\n    " + referenceName + ": " + expected + "\n    cairn: " + pad + actual);
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
