package dev.cairn.cache.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Integer encodings must match what Redis writes for every long, not just the cached ones. */
class RespWriterTest {
  private static String written(java.util.function.Consumer<RespWriter> write) {
    RespWriter w = new RespWriter(UnpooledByteBufAllocator.DEFAULT);
    write.accept(w);
    ByteBuf b = w.take();
    try {
      return b.toString(StandardCharsets.US_ASCII);
    } finally {
      b.release();
    }
  }

  @Test
  void integersAndBulkIntegersAreDecimal() {
    Random rnd = new Random(42);
    long[] edges = {0, 9, 10, 1023, 1024, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000};
    for (int i = 0; i < 10_000; i++) {
      long v = i < edges.length ? edges[i] : rnd.nextLong() >> rnd.nextInt(64);
      String d = Long.toString(v);
      assertThat(written(w -> w.integer(v))).isEqualTo(":" + d + "\r\n");
      assertThat(written(w -> w.bulkLong(v))).isEqualTo("$" + d.length() + "\r\n" + d + "\r\n");
    }
  }
}
