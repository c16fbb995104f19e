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
 * Long-polling fetches waiting for data: each waits on a set of partitions until an append to one
 * of them lets it gather {@code fetch.min.bytes}, or {@code fetch.max.wait.ms} passes. Appends only
 * wake waiters (the re-check runs on the request executor, never on the producer's thread); the
 * waiter itself decides, by re-reading, whether it has enough.
 */
public final class FetchPurgatory {
  private final Map<TopicPartition, Set<Waiter>> watchers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Executor executor;

  public FetchPurgatory(ScheduledExecutorService timer, Executor executor) {
    this.timer = timer;
    this.executor = executor;
  }

  /**
   * Parks a fetch. {@code attempt} re-reads and completes the fetch if it now has enough, returning
   * whether it did; {@code expire} completes it with whatever is there.
   */
  public void park(
      Set<TopicPartition> partitions, long maxWaitMs, BooleanSupplier attempt, Runnable expire) {
    Waiter w = new Waiter(partitions, attempt);
    for (TopicPartition tp : partitions) {
      watchers.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(w);
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
    // Data may have arrived between the first read and registration.
    wake(w);
  }

  /** An append happened: re-check every fetch waiting on the partition. */
  public void onAppend(TopicPartition tp) {
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
        Set<Waiter> ws = watchers.get(tp);
        if (ws != null) {
          ws.remove(this);
          if (ws.isEmpty()) {
            watchers.remove(tp, ws);
          }
        }
      }
      return true;
    }
  }
}
