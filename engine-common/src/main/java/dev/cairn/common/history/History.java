package dev.cairn.common.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Records what clients asked and were told, for the checkers. Invocations and completions are
 * ordered by one counter, so "returned before invoked" is exact whatever the clock. Not thread-safe
 * for speed inside the simulator; real-process tests record under their own lock.
 *
 * @param <I> what an operation asks (e.g. write 3 to key a)
 * @param <O> what it is told (e.g. ok, the value read)
 */
public final class History<I, O> {
  private final Map<Integer, Pending<I>> pending = new LinkedHashMap<>();
  private final List<Operation<I, O>> done = new ArrayList<>();
  private long counter;
  private int nextId;

  private record Pending<I>(int process, I input, long invokedAt) {}

  /** Records an invocation; returns the id to complete it with. */
  public synchronized int invoke(int process, I input) {
    int id = nextId++;
    pending.put(id, new Pending<>(process, input, counter++));
    return id;
  }

  /** The operation took effect and answered {@code output}. */
  public synchronized void ok(int id, O output) {
    Pending<I> p = take(id);
    done.add(new Operation<>(id, p.process, p.input, output, p.invokedAt, counter++));
  }

  /** The operation certainly did not take effect (the server refused it before acting). */
  public synchronized void fail(int id) {
    take(id);
  }

  /** The outcome is unknown (timeout, connection lost): it may or may not have taken effect. */
  public synchronized void info(int id) {
    Pending<I> p = take(id);
    done.add(new Operation<>(id, p.process, p.input, null, p.invokedAt, Operation.NEVER));
  }

  /** Every operation, those still pending counted as of unknown outcome. */
  public synchronized List<Operation<I, O>> operations() {
    List<Operation<I, O>> all = new ArrayList<>(done);
    pending.forEach((id, p) ->
        all.add(new Operation<>(id, p.process, p.input, null, p.invokedAt, Operation.NEVER)));
    return all;
  }

  /** The operations grouped by what {@code key} says of their input, each group in id order. */
  public <K> Map<K, List<Operation<I, O>>> byKey(Function<I, K> key) {
    Map<K, List<Operation<I, O>>> groups = new LinkedHashMap<>();
    for (Operation<I, O> op : operations()) {
      groups.computeIfAbsent(key.apply(op.input()), k -> new ArrayList<>()).add(op);
    }
    return groups;
  }

  private Pending<I> take(int id) {
    Pending<I> p = pending.remove(id);
    if (p == null) {
      throw new IllegalStateException("operation " + id + " is not pending");
    }
    return p;
  }
}
