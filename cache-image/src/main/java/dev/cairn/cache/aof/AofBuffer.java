package dev.cairn.cache.aof;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Effects encoded but not yet written: Redis's {@code aof_buf}. Keyspace thread only. */
final class AofBuffer extends ByteArrayOutputStream {
  AofBuffer() {
    super(64 * 1024);
  }

  /** The buffered bytes, without copying them. */
  ByteBuffer view() {
    return ByteBuffer.wrap(buf, 0, count);
  }

  /** Empties the buffer, giving back memory a burst grew it to. */
  void clear() {
    if (buf.length > 1 << 20) {
      buf = new byte[64 * 1024];
    }
    reset();
  }
}
