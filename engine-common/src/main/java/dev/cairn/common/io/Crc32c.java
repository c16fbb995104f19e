package dev.cairn.common.io;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches and of every Cairn on-disk record.
 *
 * <p>Backed by {@link CRC32C}, which the JDK intrinsifies to the SSE4.2/ARMv8 CRC instructions. The
 * methods never move a buffer's position.
 */
public final class Crc32c {
  private Crc32c() {}

  public static int compute(byte[] bytes) {
    return compute(bytes, 0, bytes.length);
  }

  public static int compute(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /**
   * Checksum of {@code length} bytes of {@code buffer} starting at absolute index {@code offset}.
   */
  public static int compute(ByteBuffer buffer, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().limit(offset + length).position(offset));
    return (int) crc.getValue();
  }

  /** Checksum of the buffer's remaining bytes. */
  public static int compute(ByteBuffer buffer) {
    return compute(buffer, buffer.position(), buffer.remaining());
  }
}
