package dev.cairn.common.history;

import java.util.Objects;
import java.util.Optional;

/**
 * A single-key register with write, read and compare-and-set: the model most consensus tests check
 * (a znode's data, a Redis string, a partition's last record).
 *
 * <p>Outputs: a write answers {@link Result#OK}; a read answers the value seen ({@code null} for a
 * key that does not exist); a compare-and-set answers whether it swapped.
 */
public final class Register {
  private Register() {}

  public enum Kind {
    WRITE,
    READ,
    CAS
  }

  /** An operation on {@code key}; {@code expected} is for CAS only. */
  public record Op(String key, Kind kind, Long value, Long expected) {
    public static Op write(String key, long value) {
      return new Op(key, Kind.WRITE, value, null);
    }

    public static Op read(String key) {
      return new Op(key, Kind.READ, null, null);
    }

    public static Op cas(String key, long expected, long value) {
      return new Op(key, Kind.CAS, value, expected);
    }

    @Override
    public String toString() {
      return switch (kind) {
        case WRITE -> "write " + key + "=" + value;
        case READ -> "read " + key;
        case CAS -> "cas " + key + " " + expected + "->" + value;
      };
    }
  }

  /** What the client was told. */
  public record Result(boolean ok, Long value) {
    public static final Result OK = new Result(true, null);
    public static final Result FAILED = new Result(false, null);

    public static Result read(Long value) {
      return new Result(true, value);
    }

    @Override
    public String toString() {
      return value != null ? String.valueOf(value) : ok ? "ok" : "failed";
    }
  }

  /** The register's value; {@code value == null} while the key does not exist. */
  public record State(Long value) {}

  public static final Model<State, Op, Result> MODEL =
      new Model<>() {
        @Override
        public State initial() {
          return new State(null);
        }

        @Override
        public Optional<State> step(State state, Op op, Result result) {
          return switch (op.kind()) {
            case WRITE -> Optional.of(new State(op.value()));
            case READ ->
                result == null || Objects.equals(result.value(), state.value())
                    ? Optional.of(state)
                    : Optional.empty();
            case CAS -> {
              boolean swaps = Objects.equals(state.value(), op.expected());
              if (result == null) {
                yield Optional.of(swaps ? new State(op.value()) : state);
              }
              if (result.ok() != swaps) {
                yield Optional.empty();
              }
              yield Optional.of(swaps ? new State(op.value()) : state);
            }
          };
        }
      };
}
