package dev.cairn.common.history;

/**
 * One client operation as the client saw it: what it asked, what it was told, and when, in the
 * order of a {@link History}'s counter. An operation whose outcome is unknown (a timeout, a lost
 * connection) has a null output and never returns: it may have taken effect at any point after its
 * invocation, or never.
 */
public record Operation<I, O>(
    int id, int process, I input, O output, long invokedAt, long returnedAt) {
  public static final long NEVER = Long.MAX_VALUE;

  public boolean completed() {
    return returnedAt != NEVER;
  }
}
