package dev.cairn.broker.log;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes file handles of deleted segments after a delay, on one shared daemon thread. */
final class DeferredCloser {
  private static final Logger log = LoggerFactory.getLogger(DeferredCloser.class);
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "segment-closer");
        t.setDaemon(true);
        return t;
      });

  private DeferredCloser() {}

  static void closeLater(Closeable c, Duration delay) {
    TIMER.schedule(
        () -> {
          try {
            c.close();
          } catch (IOException e) {
            log.warn("closing a deleted segment failed: {}", e.toString());
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
