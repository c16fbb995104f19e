package dev.cairn.broker.replication;

/**
 * Where a follower asks to fetch from: its log end, the epoch of its last batch (so the leader can
 * tell a diverged log, KIP-320 / KIP-595) and the leader epoch it believes current (fencing).
 */
public record FetchPosition(long fetchOffset, int lastFetchedEpoch, int currentLeaderEpoch) {}
