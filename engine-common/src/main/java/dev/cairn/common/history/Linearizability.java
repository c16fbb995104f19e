package dev.cairn.common.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a history is linearizable against a sequential {@link Model}: Wing and Gong's
 * search with Lowe's memoization (the "WGL" algorithm, as in Porcupine and Knossos). Operations are
 * kept in a list of call and return events in real-time order; the search linearizes the first
 * operation whose call comes before every pending return, backtracks when a return is reached
 * unmatched, and skips any (set of linearized operations, state) it has seen before.
 *
 * <p>Operations of unknown outcome return at infinity, so they may take effect at any point after
 * their call, or never. A history whose operations touch independent keys is checked key by key
 * ({@link #checkByKey}), which is exact for registers and far cheaper.
 */
public final class Linearizability {
  private Linearizability() {}

  /** The checker's answer. {@code UNKNOWN} means the search budget ran out. */
  public enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    UNKNOWN
  }

  public record Result(Verdict verdict, String explanation) {
    public boolean ok() {
      return verdict == Verdict.LINEARIZABLE;
    }
  }

  /** Checks each key's operations on their own; the first key that fails decides. */
  public static <K, S, I, O> Result checkByKey(
      Model<S, I, O> model, Map<K, List<Operation<I, O>>> byKey, long budgetPerKey) {
    for (Map.Entry<K, List<Operation<I, O>>> key : byKey.entrySet()) {
      Result result = check(model, key.getValue(), budgetPerKey);
      if (!result.ok()) {
        return new Result(result.verdict(), "key " + key.getKey() + ": " + result.explanation());
      }
    }
    return new Result(Verdict.LINEARIZABLE, byKey.size() + " keys linearizable");
  }

  /** Checks one history, exploring at most {@code budget} search steps. */
  public static <S, I, O> Result check(
      Model<S, I, O> model, List<Operation<I, O>> operations, long budget) {
    Entry<I, O> head = events(operations);
    Deque<Frame<S, I, O>> stack = new ArrayDeque<>();
    Set<Explored<S>> explored = new HashSet<>();
    BitSet linearized = new BitSet(operations.size());
    S state = model.initial();
    Entry<I, O> entry = head.next;
    long steps = 0;
    Entry<I, O> deepest = null;
    int deepestSize = -1;
    while (head.next != null) {
      if (++steps > budget) {
        return new Result(
            Verdict.UNKNOWN,
            "no answer within " + budget + " steps (" + operations.size() + " ops)");
      }
      if (entry.isCall()) {
        Optional<S> next = model.step(state, entry.op.input(), entry.op.output());
        if (next.isPresent()) {
          BitSet grown = (BitSet) linearized.clone();
          grown.set(entry.index);
          if (explored.add(new Explored<>(grown, next.get()))) {
            stack.push(new Frame<>(entry, state));
            state = next.get();
            linearized = grown;
            entry.lift();
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (stack.size() > deepestSize) {
          deepestSize = stack.size();
          deepest = entry;
        }
        if (stack.isEmpty()) {
          return new Result(
              Verdict.NOT_LINEARIZABLE,
              "no order explains "
                  + describe(deepest.op)
                  + " after "
                  + deepestSize
                  + " of "
                  + operations.size()
                  + " operations were placed");
        }
        Frame<S, I, O> frame = stack.pop();
        state = frame.state;
        linearized.clear(frame.call.index);
        frame.call.unlift();
        entry = frame.call.next;
      }
    }
    return new Result(Verdict.LINEARIZABLE, operations.size() + " operations linearizable");
  }

  private static String describe(Operation<?, ?> op) {
    return "op "
        + op.id()
        + " of process "
        + op.process()
        + " ("
        + op.input()
        + " -> "
        + (op.completed() ? op.output() : "unknown")
        + ")";
  }

  private static <I, O> Entry<I, O> events(List<Operation<I, O>> operations) {
    List<Entry<I, O>> events = new ArrayList<>(operations.size() * 2);
    for (int i = 0; i < operations.size(); i++) {
      Operation<I, O> op = operations.get(i);
      Entry<I, O> call = new Entry<>(op, i, op.invokedAt(), null);
      Entry<I, O> ret = new Entry<>(op, i, op.returnedAt(), call);
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // Unknown outcomes all return at infinity; keep their order stable by operation id.
    events.sort(
        Comparator.<Entry<I, O>>comparingLong(e -> e.time).thenComparingInt(e -> e.op.id()));
    Entry<I, O> head = new Entry<>(null, -1, Long.MIN_VALUE, null);
    Entry<I, O> last = head;
    for (Entry<I, O> e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
    return head;
  }

  private record Frame<S, I, O>(Entry<I, O> call, S state) {}

  private record Explored<S>(BitSet linearized, S state) {}

  /** A call or return event in a doubly linked list that lifts and restores pairs in place. */
  private static final class Entry<I, O> {
    final Operation<I, O> op;
    final int index;
    final long time;

    /** For a call, its return; for a return, null. */
    Entry<I, O> match;

    final boolean returnEvent;
    Entry<I, O> prev;
    Entry<I, O> next;

    Entry(Operation<I, O> op, int index, long time, Entry<I, O> callOfReturn) {
      this.op = op;
      this.index = index;
      this.time = time;
      this.returnEvent = callOfReturn != null;
    }

    boolean isCall() {
      return !returnEvent;
    }

    /** Removes this call and its return from the list. */
    void lift() {
      prev.next = next;
      if (next != null) {
        next.prev = prev;
      }
      match.prev.next = match.next;
      if (match.next != null) {
        match.next.prev = match.prev;
      }
    }

    /** Puts this call and its return back where they were, undoing {@link #lift}. */
    void unlift() {
      match.prev.next = match;
      if (match.next != null) {
        match.next.prev = match;
      }
      prev.next = this;
      next.prev = this;
    }
  }
}
