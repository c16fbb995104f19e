package dev.cairn.common.engine;

import java.time.Duration;

/**
 * A Cairn engine process's lifecycle, driven by {@link EngineLauncher} in production and by the
 * test kit in tests.
 */
public interface Engine {
  /** Short name used in logs and thread names, e.g. "cache". */
  String name();

  /** Loads state and binds listeners; when it returns, the engine accepts connections. */
  void start() throws Exception;

  /** Whether the engine serves requests (dataset loaded, quorum joined...): the readiness probe. */
  boolean ready();

  /**
   * Graceful stop: stop accepting, let in-flight requests finish for up to {@code drain}, make
   * state durable, release everything. Must be safe to call more than once.
   */
  void stop(Duration drain);
}
