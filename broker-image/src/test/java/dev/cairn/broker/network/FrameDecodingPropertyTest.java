package dev.cairn.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property tests of the frame decoder: arbitrary chunking, and the size limit. */
class FrameDecodingPropertyTest {
  @Test
  void framesSplitAtArbitraryChunkBoundariesDecodeToTheOriginals() {
    for (int seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      List<byte[]> frames = new ArrayList<>();
      ByteBuf stream = Unpooled.buffer();
      int n = 1 + r.nextInt(20);
      for (int i = 0; i < n; i++) {
        byte[] f = new byte[r.nextInt(300)];
        r.nextBytes(f);
        frames.add(f);
        stream.writeInt(f.length).writeBytes(f);
      }
      EmbeddedChannel ch = new EmbeddedChannel(new KafkaFrameDecoder(1000));
      while (stream.isReadable()) {
        int chunk = Math.min(stream.readableBytes(), 1 + r.nextInt(64));
        ch.writeInbound(stream.readRetainedSlice(chunk));
      }
      stream.release();
      for (byte[] expected : frames) {
        ByteBuffer got = ch.readInbound();
        byte[] actual = new byte[got.remaining()];
        got.get(actual);
        assertThat(actual).as("seed %d", seed).isEqualTo(expected);
      }
      assertThat((Object) ch.readInbound()).as("seed %d", seed).isNull();
      assertThat(ch.isActive()).isTrue();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aSizeAboveTheLimitOrNegativeClosesTheConnectionBeforeBuffering() {
    for (int size : new int[] {1001, Integer.MAX_VALUE, -1}) {
      EmbeddedChannel ch = new EmbeddedChannel(new KafkaFrameDecoder(1000));
      ch.writeInbound(Unpooled.buffer().writeInt(size).writeBytes(new byte[10]));
      assertThat((Object) ch.readInbound()).isNull();
      assertThat(ch.isOpen()).as("size %d", size).isFalse();
    }
  }
}
