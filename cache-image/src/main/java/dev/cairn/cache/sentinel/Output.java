package dev.cairn.cache.sentinel;

import java.util.List;

/** What a step of the sentinel logic asks its driver to do; see {@link SentinelState#drain}. */
public sealed interface Output {
  /** Send a command; its reply comes back through {@link SentinelState#replied}. */
  record Send(Request request) implements Output {}

  /** Publish an event on the sentinel's own pub/sub: channel {@code type}, message {@code text}. */
  record Event(String type, String text) implements Output {}

  /** The state worth keeping across a restart changed: rewrite the config file. */
  record SaveConfig() implements Output {}

  /**
   * The credentials for these servers changed (SENTINEL SET auth-pass): drop the connections to
   * them, as Redis's dropInstanceConnections, so the next ones authenticate with the new ones.
   */
  record Reconnect(List<Address> servers) implements Output {}
}
