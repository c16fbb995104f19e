package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.db.Keyspace;

/**
 * Writes one key record as rdbSaveKeyValuePair does: the expiry in ms if any, the access clock when
 * the eviction policy uses one (idle seconds for LRU, the counter for LFU), then type, key and
 * value.
 */
final class RecordWriter {
  private final Keyspace keyspace;

  RecordWriter(Keyspace keyspace) {
    this.keyspace = keyspace;
  }

  void write(RdbOutput out, KeyEntry e) {
    if (e.expireAt != 0) {
      out.writeByte(RdbFormat.EXPIRETIME_MS);
      out.writeLittleEndian(e.expireAt, 8);
    }
    if (keyspace.policy().lru()) {
      out.writeByte(RdbFormat.IDLE);
      out.writeLength(keyspace.idleMillis(e) / 1000);
    } else if (keyspace.policy().lfu()) {
      out.writeByte(RdbFormat.FREQ);
      out.writeByte(keyspace.lfuDecrAndReturn(e));
    }
    ValueWriter.write(out, e.key, e.value);
  }
}
