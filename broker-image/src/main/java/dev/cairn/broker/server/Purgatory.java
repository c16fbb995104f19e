package dev.cairn.broker.server;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Requests waiting on partitions: long-polling fetches (woken by appends, until they gather {@code
 * fetch.min.bytes}) and acks=all produces (woken when the high watermark moves, until it passes
 * their records). Each waits until an event on one of its partitions lets it complete, or its
 * timeout passes. Events only wake waiters (the re-check runs on the request executor, never on the
 * thread that caused the event); the waiter itself decides, by re-reading, whether it is done.
 *
 * <p>A waiter is registered under every partition before its first re-check, and a partition's set
 * of waiters is created, added to, emptied and dropped only inside the map's per-key atomic
 * compute: a waiter can never be added to a set that was just dropped, where no event would reach
 * it.
 */
public final class Purgatory {
  private final Map<TopicPartition, Set<Waiter>> watchers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Executor executor;

  public Purgatory(ScheduledExecutorService timer, Executor executor) {
    this.timer = timer;
    this.executor = executor;
  }

  /**
   * Parks a request. {@code attempt} re-reads and completes the request if it now can, returning
   * whether it did; {@code expire} completes it with whatever is there.
   */
  public void park(
      Set<TopicPartition> partitions, long maxWaitMs, BooleanSupplier attempt, Runnable expire) {
    Waiter w = new Waiter(partitions, attempt);
    for (TopicPartition tp : partitions) {
      watchers.compute(
          tp,
          (k, ws) -> {
            Set<Waiter> set = ws == null ? ConcurrentHashMap.newKeySet() : ws;
            set.add(w);
            return set;
          });
    }
    w.timeout =
        timer.schedule(
            () ->
                executor.execute(() -> {
                  if (w.finish()) {
                    expire.run();
                  }
                }),
            maxWaitMs,
            TimeUnit.MILLISECONDS);
    // The event may have happened between the caller's first check and registration.
    wake(w);
  }

  /** Something happened on the partition: re-check every request waiting on it. */
  public void onEvent(TopicPartition tp) {
    Set<Waiter> ws = watchers.get(tp);
    if (ws != null) {
      for (Waiter w : ws) {
        wake(w);
      }
    }
  }

  private void wake(Waiter w) {
    if (w.scheduled.compareAndSet(false, true)) {
      executor.execute(() -> {
        w.scheduled.set(false);
        if (!w.done.get() && w.attempt.getAsBoolean()) {
          w.finish();
        }
      });
    }
  }

  public int waiting() {
    return watchers.values().stream().mapToInt(Set::size).sum();
  }

  private final class Waiter {
    final Set<TopicPartition> partitions;
    final BooleanSupplier attempt;
    final AtomicBoolean done = new AtomicBoolean();
    final AtomicBoolean scheduled = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Waiter(Set<TopicPartition> partitions, BooleanSupplier attempt) {
      this.partitions = partitions;
      this.attempt = attempt;
    }

    /** Marks done and unregisters; returns false if it was already done. */
    boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      for (TopicPartition tp : partitions) {
        watchers.computeIfPresent(
            tp,
            (k, ws) -> {
              ws.remove(this);
              return ws.isEmpty() ? null : ws;
            });
      }
      return true;
    }
  }
}
