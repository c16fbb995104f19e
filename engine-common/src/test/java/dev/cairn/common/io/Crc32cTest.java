package dev.cairn.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc32cTest {
  private static final byte[] CHECK = "123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  void matchesTheCastagnoliCheckValue() {
    // The standard check value of CRC-32C (RFC 3720, appendix B.4).
    assertThat(Crc32c.compute(CHECK)).isEqualTo(0xE3069283);
  }

  @Test
  void bufferChecksumCoversTheRangeAndKeepsThePosition() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(20);
    buffer.put(new byte[] {9, 9}).put(CHECK).flip();
    buffer.position(2);
    assertThat(Crc32c.compute(buffer)).isEqualTo(0xE3069283);
    assertThat(Crc32c.compute(buffer, 2, CHECK.length)).isEqualTo(0xE3069283);
    assertThat(buffer.position()).isEqualTo(2);
  }

  @Test
  void detectsASingleFlippedBit() {
    byte[] corrupted = CHECK.clone();
    corrupted[4] ^= 0x10;
    assertThat(Crc32c.compute(corrupted)).isNotEqualTo(Crc32c.compute(CHECK));
  }
}
