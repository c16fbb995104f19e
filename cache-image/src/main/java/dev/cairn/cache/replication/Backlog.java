package dev.cairn.cache.replication;

/**
 * The replication backlog: the last {@code size} bytes of the replication stream in a ring, and the
 * stream's offset (Redis's master_repl_offset: bytes ever fed). A replica that reconnects with an
 * offset still covered here continues from it ({@code +CONTINUE}) instead of a full resync.
 *
 * <p>Offsets are Redis's: the first byte of the stream is offset 1, {@link #offset} is the last
 * byte's; the backlog holds bytes {@link #firstByteOffset} to {@link #offset}. Keyspace thread
 * only.
 */
final class Backlog {
  private byte[] ring;
  private int head; // where the next byte goes
  private long histlen;
  private long offset;

  Backlog(long size, long offset) {
    this.ring = new byte[(int) Math.min(size, Integer.MAX_VALUE - 8)];
    this.offset = offset;
  }

  long offset() {
    return offset;
  }

  long size() {
    return ring.length;
  }

  long histlen() {
    return histlen;
  }

  long firstByteOffset() {
    return offset - histlen + 1;
  }

  void append(byte[] b, int off, int len) {
    offset += len;
    if (len >= ring.length) {
      System.arraycopy(b, off + len - ring.length, ring, 0, ring.length);
      head = 0;
      histlen = ring.length;
      return;
    }
    int first = Math.min(len, ring.length - head);
    System.arraycopy(b, off, ring, head, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    head = (head + len) % ring.length;
    histlen = Math.min(ring.length, histlen + len);
  }

  /** Whether a replica that needs the stream from byte {@code from} on can be served from here. */
  boolean covers(long from) {
    return from >= firstByteOffset() && from <= offset + 1;
  }

  /** The stream from byte {@code from} (which {@link #covers}) to the end. */
  byte[] from(long from) {
    int len = (int) (offset + 1 - from);
    byte[] out = new byte[len];
    int start = Math.floorMod(head - len, ring.length);
    int first = Math.min(len, ring.length - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, len - first);
    return out;
  }

  /** CONFIG SET repl-backlog-size: a new ring keeping as much of the history as fits. */
  void resize(long size) {
    if (size == ring.length) {
      return;
    }
    byte[] kept = from(offset + 1 - histlen);
    long end = offset;
    ring = new byte[(int) Math.min(size, Integer.MAX_VALUE - 8)];
    head = 0;
    histlen = 0;
    offset = end - kept.length;
    append(kept, 0, kept.length);
  }
}
