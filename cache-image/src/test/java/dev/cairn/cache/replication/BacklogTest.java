package dev.cairn.cache.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The backlog keeps exactly the last {@code size} bytes of the stream, at Redis's offsets. */
class BacklogTest {
  @Test
  void holdsTheLastBytesAtTheirOffsetsThroughWrapAroundAndResize() {
    Backlog b = new Backlog(16 * 1024, 100);
    assertThat(b.offset()).isEqualTo(100);
    assertThat(b.firstByteOffset()).isEqualTo(101);
    assertThat(b.covers(101)).isTrue();
    assertThat(b.from(101)).isEmpty();

    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Random rnd = new Random(15);
    for (int i = 0; i < 500; i++) {
      byte[] chunk = new byte[rnd.nextInt(i == 7 ? 40_000 : 300)];
      rnd.nextBytes(chunk);
      all.write(chunk, 0, chunk.length);
      b.append(chunk, 0, chunk.length);
      byte[] stream = all.toByteArray();
      assertThat(b.offset()).isEqualTo(100 + stream.length);
      assertThat(b.histlen()).isEqualTo(Math.min(16 * 1024, stream.length));
      long from = b.firstByteOffset() + rnd.nextInt((int) b.histlen() + 1);
      assertThat(b.from(from))
          .isEqualTo(Arrays.copyOfRange(stream, (int) (from - 101), stream.length));
    }
    assertThat(b.covers(b.firstByteOffset() - 1)).isFalse();
    assertThat(b.covers(b.offset() + 2)).isFalse();

    byte[] stream = all.toByteArray();
    b.resize(20_000);
    assertThat(b.from(b.firstByteOffset()))
        .isEqualTo(Arrays.copyOfRange(stream, stream.length - 16 * 1024, stream.length));
    b.resize(16 * 1024 + 5);
    b.resize(16 * 1024);
    assertThat(b.offset()).isEqualTo(100 + stream.length);
    assertThat(b.from(b.firstByteOffset()))
        .isEqualTo(Arrays.copyOfRange(stream, stream.length - 16 * 1024, stream.length));
  }
}
