package dev.cairn.cache.server;

/**
 * A command's error reply, thrown by handlers and argument parsers and written by the dispatcher.
 * The message starts with the error code as Redis sends it ("ERR ...", "WRONGTYPE ..."). No stack
 * trace: this is control flow for bad input, not a bug.
 */
public final class CommandError extends RuntimeException {
  public static final CommandError WRONGTYPE =
      new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
  public static final CommandError NOT_INTEGER =
      new CommandError("ERR value is not an integer or out of range");
  public static final CommandError NOT_FLOAT = new CommandError("ERR value is not a valid float");
  public static final CommandError SYNTAX = new CommandError("ERR syntax error");
  public static final CommandError NO_SUCH_KEY = new CommandError("ERR no such key");
  public static final CommandError OVERFLOW =
      new CommandError("ERR increment or decrement would overflow");
  public static final CommandError OOM =
      new CommandError("OOM command not allowed when used memory > 'maxmemory'.");

  public CommandError(String message) {
    super(message, null, false, false);
  }
}
