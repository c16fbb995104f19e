package dev.cairn.coord;

/**
 * What happens to the process when a pipeline thread fails in a way that leaves the server's state
 * unknown: a txn half applied, the txn log no longer writable, a session marked expired that will
 * never be closed. The engine has already stopped being ready and logged the failure; production
 * then ends the process with a non-zero status so Kubernetes restarts it and recovery rebuilds the
 * state from disk. Tests inject a handler that records the failure instead of ending the JVM.
 */
@FunctionalInterface
public interface FatalHandler {
  /** ZooKeeper's exit status for an unexpected error. */
  int EXIT_STATUS = 1;

  /**
   * Halts rather than exits: a graceful stop would wait on the very threads that failed, and the
   * state in memory is not worth saving.
   */
  FatalHandler HALT = reason -> Runtime.getRuntime().halt(EXIT_STATUS);

  void fatal(String reason);
}
