package dev.cairn.cache.rdb;

import dev.cairn.cache.db.Dict.KeyEntry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a {@link Snapshot} produces: how one entry is encoded, and how the encoded chunks become a
 * file. RDB ({@link RdbSnapshotFormat}) for SAVE, BGSAVE and an AOF base with an RDB preamble; the
 * AOF's command form for a base without one ({@code aof-use-rdb-preamble no}).
 */
public interface SnapshotFormat {
  /** Whether strings in the encoding buffer may be LZF-compressed (RDB only). */
  boolean compress();

  /** Appends {@code e} as it is now. Keyspace thread. */
  void record(RdbOutput out, KeyEntry e);

  /** Starts the file on {@code out} (its header); the writer thread then feeds it chunks. */
  File open(OutputStream out, Snapshot snapshot) throws IOException;

  /** One file being written. Not thread-safe: the writer thread only. */
  interface File {
    /** Records of one database, in the order the snapshot produced them. */
    void chunk(Chunk c) throws IOException;

    /** The trailer, once every chunk is in. */
    void finish() throws IOException;
  }
}
