package dev.cairn.common.testkit;

import dev.cairn.common.engine.Engine;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an engine in-process before a test class's tests and stops it after them:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EngineExtension<CacheEngine> cache =
 *     EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(FreePorts.next())));
 * }</pre>
 *
 * <p>{@link #engine()} is the started engine; start-up waits until it reports ready.
 */
public final class EngineExtension<E extends Engine>
    implements BeforeAllCallback, AfterAllCallback {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  /** Creates the engine, e.g. with ports from {@link FreePorts}. */
  @FunctionalInterface
  public interface EngineFactory<E extends Engine> {
    E create() throws Exception;
  }

  private final EngineFactory<E> factory;
  private E engine;

  private EngineExtension(EngineFactory<E> factory) {
    this.factory = factory;
  }

  public static <E extends Engine> EngineExtension<E> of(EngineFactory<E> factory) {
    return new EngineExtension<>(factory);
  }

  public E engine() {
    if (engine == null) {
      throw new IllegalStateException(
          "engine not started: register with @RegisterExtension static");
    }
    return engine;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    engine = startAndAwaitReady(factory.create());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (engine != null) {
      engine.stop(Duration.ofSeconds(5));
      engine = null;
    }
  }

  /** Starts {@code engine} and waits until it is ready; stops it again if it never gets there. */
  public static <E extends Engine> E startAndAwaitReady(E engine) throws Exception {
    engine.start();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!engine.ready()) {
      if (System.nanoTime() > deadline) {
        engine.stop(Duration.ZERO);
        throw new IllegalStateException(engine.name() + " not ready after " + READY_TIMEOUT);
      }
      Thread.sleep(10);
    }
    return engine;
  }
}
