package dev.cairn.cache.sentinel;

/**
 * An error reply (the text after the '-'), as the driver hands replies to {@link SentinelState}.
 */
public record ErrorReply(String message) {}
