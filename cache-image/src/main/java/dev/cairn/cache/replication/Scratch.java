package dev.cairn.cache.replication;

import java.io.ByteArrayOutputStream;

/**
 * A reusable encoding buffer whose bytes are read in place: the stream is encoded once per command
 * and copied straight into the backlog and the replicas' buffers, with no array per command.
 */
final class Scratch extends ByteArrayOutputStream {
  Scratch() {
    super(256);
  }

  /** The buffer; bytes 0 to {@link #size} are the content. */
  byte[] array() {
    return buf;
  }
}
