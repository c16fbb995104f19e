package dev.cairn.cache.script;

/** A script or library that cannot be loaded or run; the message is the error reply. */
final class ScriptException extends RuntimeException {
  ScriptException(String message) {
    super(message, null, false, false);
  }
}
