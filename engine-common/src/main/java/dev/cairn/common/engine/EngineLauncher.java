package dev.cairn.common.engine;

import dev.cairn.common.config.ConfigException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The {@code main} of every engine: builds the engine from its arguments, starts it, and on SIGTERM
 * or SIGINT stops it gracefully and exits 0 — what Kubernetes expects from a pod's container when
 * it is deleted.
 *
 * <p>A configuration error prints one line naming the key and exits 2 before anything is bound; any
 * other start-up failure exits 1.
 */
public final class EngineLauncher {
  private static final Logger log = LoggerFactory.getLogger(EngineLauncher.class);

  /** Kubernetes gives 30 s by default before SIGKILL; draining takes at most a third of it. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

  private EngineLauncher() {}

  /** Creates the engine from the command line; throws {@link ConfigException} on bad input. */
  @FunctionalInterface
  public interface Factory {
    Engine create(String[] args) throws Exception;
  }

  public static void run(String program, String[] args, Factory factory) {
    Engine engine;
    try {
      engine = factory.create(args);
    } catch (ConfigException e) {
      System.err.println(program + ": invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println(program + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          log.info("{} received stop signal, shutting down", engine.name());
          engine.stop(DEFAULT_DRAIN);
          log.info("{} stopped", engine.name());
          stopped.countDown();
          System.exit(0);
        };
    // Signal handlers must return quickly: the graceful stop runs on its own thread.
    Signal.handle(new Signal("TERM"), s -> new Thread(stop, "shutdown").start());
    Signal.handle(new Signal("INT"), s -> new Thread(stop, "shutdown").start());
    engine.onStopRequest(() -> new Thread(stop, "shutdown").start());
    try {
      engine.start();
    } catch (ConfigException e) {
      System.err.println(program + ": invalid configuration: " + e.getMessage());
      engine.stop(Duration.ZERO);
      System.exit(2);
    } catch (Exception e) {
      // The reason leads the line: an operator reading the pod log sees it before the trace.
      log.error("{} failed to start: {}", engine.name(), e.getMessage(), e);
      engine.stop(Duration.ZERO);
      System.exit(1);
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
