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

  /**
   * Gives the engine the way to ask for the whole process to stop, for protocols that have such a
   * command (Redis's SHUTDOWN): the launcher then stops gracefully and exits 0, as on SIGTERM.
   */
  default void onStopRequest(Runnable request) {}
}
