package dev.cairn.cache.db;

/**
 * The thresholds that decide whether a small hash, set or sorted set keeps its compact encoding
 * (Redis's listpack or intset), which clients see in OBJECT ENCODING and in iteration order. Like
 * Redis, containers read the current thresholds at every insert and convert for good once one is
 * crossed, so a CONFIG SET affects later writes, never existing values.
 *
 * <p>One instance per server, changed by CONFIG SET on the keyspace thread that reads it. Defaults
 * are Redis 7.0's built-in ones (its shipped redis.conf lowers hash-max-listpack-entries to 128).
 */
public final class Encodings {
  /** hash-max-listpack-entries: most fields a listpack hash holds. */
  long hashEntries = 512;

  /** hash-max-listpack-value: longest field or value a listpack hash holds. */
  long hashValue = 64;

  /** set-max-intset-entries: most members an intset holds. */
  long intsetEntries = 512;

  /** zset-max-listpack-entries: most members a listpack sorted set holds. */
  long zsetEntries = 128;

  /** zset-max-listpack-value: longest member a listpack sorted set holds. */
  long zsetValue = 64;

  /** stream-node-max-bytes: a stream node (listpack) this big takes no more entries; 0 = no cap. */
  long streamNodeBytes = 4096;

  /** stream-node-max-entries: entries (tombstones included) a stream node takes; 0 = no cap. */
  long streamNodeEntries = 100;

  /** hll-sparse-max-bytes: a sparse HyperLogLog bigger than this turns dense. */
  long hllSparseBytes = 3000;

  public void stream(long nodeBytes, long nodeEntries) {
    this.streamNodeBytes = nodeBytes;
    this.streamNodeEntries = nodeEntries;
  }

  public long streamNodeBytes() {
    return streamNodeBytes;
  }

  public long streamNodeEntries() {
    return streamNodeEntries;
  }

  public void hllSparseBytes(long bytes) {
    this.hllSparseBytes = bytes;
  }

  public long hllSparseBytes() {
    return hllSparseBytes;
  }

  public void hash(long entries, long value) {
    this.hashEntries = entries;
    this.hashValue = value;
  }

  public void intset(long entries) {
    this.intsetEntries = entries;
  }

  public void zset(long entries, long value) {
    this.zsetEntries = entries;
    this.zsetValue = value;
  }

  /**
   * Whether a sorted set of {@code size} members, the latest of {@code length} bytes, stays small.
   */
  public boolean zsetFits(int size, int length) {
    return size <= zsetEntries && length <= zsetValue;
  }
}
