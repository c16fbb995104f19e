package dev.cairn.cache.sentinel;

/** What a step of the sentinel logic asks its driver to do; see {@link SentinelState#drain}. */
public sealed interface Output {
  /** Send a command; its reply comes back through {@link SentinelState#replied}. */
  record Send(Request request) implements Output {}

  /** Publish an event on the sentinel's own pub/sub: channel {@code type}, message {@code text}. */
  record Event(String type, String text) implements Output {}

  /** The state worth keeping across a restart changed: rewrite the config file. */
  record SaveConfig() implements Output {}
}
