package dev.cairn.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PurgatoryTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  /**
   * Waiters park while others on the same partition keep completing at once (the partition's set of
   * waiters empties and is dropped again and again): every parked waiter must hear the next event.
   * A registration racing a drop is lost in about one round in ten without the atomic per-partition
   * updates, so 60 rounds catch it nearly always.
   */
  @Test
  void waitersParkedWhileOthersCompleteAreStillWoken() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      Purgatory purgatory = new Purgatory(timer, Runnable::run);
      for (int round = 0; round < 60; round++) {
        AtomicBoolean eventHappened = new AtomicBoolean();
        AtomicInteger parked = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          boolean completesAtOnce = t % 2 == 0;
          Thread thread =
              new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                  if (completesAtOnce) {
                    purgatory.park(Set.of(TP), 60_000, () -> true, () -> {});
                  } else {
                    parked.incrementAndGet();
                    purgatory.park(
                        Set.of(TP),
                        60_000,
                        () -> eventHappened.get() && completed.incrementAndGet() > 0,
                        () -> {});
                  }
                }
              });
          thread.start();
          threads.add(thread);
        }
        for (Thread t : threads) {
          t.join();
        }
        eventHappened.set(true);
        purgatory.onEvent(TP);
        assertThat(completed).as("round %d", round).hasValue(parked.get());
        assertThat(purgatory.waiting()).isZero();
      }
    } finally {
      timer.shutdownNow();
    }
  }
}
