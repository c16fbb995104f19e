package dev.cairn.common.history;

import java.util.Optional;

/**
 * The sequential specification a history is checked against: from a state, an operation with the
 * output the client saw either is possible (the new state) or is not (empty). States must have
 * value equality: the checker remembers the ones it has explored.
 */
public interface Model<S, I, O> {
  S initial();

  /**
   * Applies {@code input} seen as {@code output}; a null output means the outcome is unknown and
   * any output is possible.
   */
  Optional<S> step(S state, I input, O output);
}
