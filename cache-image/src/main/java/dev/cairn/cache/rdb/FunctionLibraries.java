package dev.cairn.cache.rdb;

import java.util.List;

/**
 * The FUNCTION libraries an RDB file carries along with the data set, as Redis 7.0 writes them: one
 * {@code FUNCTION2} record with each library's code, after the aux fields.
 */
public interface FunctionLibraries {
  /** Every library's code (with its {@code #!lua name=} line), in load order. */
  List<byte[]> codes();

  /**
   * Loads a library read from a file, replacing one of the same name.
   *
   * @throws IllegalArgumentException with the reason if the code does not load
   */
  void restore(byte[] code);

  /** No libraries (a keyspace without scripting, in tests). */
  FunctionLibraries NONE =
      new FunctionLibraries() {
        @Override
        public List<byte[]> codes() {
          return List.of();
        }

        @Override
        public void restore(byte[] code) {
          throw new IllegalArgumentException("functions are not supported here");
        }
      };
}
