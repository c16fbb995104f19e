package dev.cairn.cache.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {
  private final List<List<String>> commands = new ArrayList<>();
  private final RespParser.Sink sink =
      new RespParser.Sink() {
        @Override
        public boolean command(byte[][] argv) {
          List<String> c = new ArrayList<>();
          for (byte[] a : argv) {
            c.add(new String(a, StandardCharsets.ISO_8859_1));
          }
          commands.add(c);
          return true;
        }

        @Override
        public void protocolError(String message) {}
      };

  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void parsesPipelinedMultibulkAndInlineCommands() {
    RespParser p = new RespParser(512 * 1024 * 1024);
    ByteBuf in = buf("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nset a \"b c\"\r\n*0\r\n");
    assertThat(p.parse(in, sink)).isTrue();
    assertThat(commands)
        .containsExactly(List.of("GET", "k"), List.of("PING"), List.of("set", "a", "b c"));
    assertThat(in.isReadable()).isFalse();
  }

  @Test
  void commandSplitAtEveryByteBoundaryParsesTheSame() {
    String wire = "*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$10\r\n0123456789\r\nECHO 'x y'\r\n";
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int split = 0; split <= bytes.length; split++) {
      commands.clear();
      RespParser p = new RespParser(1 << 20);
      ByteBuf in = Unpooled.buffer();
      in.writeBytes(bytes, 0, split);
      assertThat(p.parse(in, sink)).isTrue();
      in.discardReadBytes();
      in.writeBytes(bytes, split, bytes.length - split);
      assertThat(p.parse(in, sink)).isTrue();
      assertThat(commands)
          .as("split at %d", split)
          .containsExactly(List.of("SET", "hello", "0123456789"), List.of("ECHO", "x y"));
    }
  }

  @Test
  void rejectsBulkOverTheLimitBeforeReadingIt() {
    RespParser p = new RespParser(1024 * 1024);
    assertThat(p.parse(buf("*1\r\n$1048577\r\n"), sink)).isFalse();
    assertThat(p.error()).isEqualTo("invalid bulk length");
  }

  @Test
  void rejectsMalformedHeadersWithRedisMessages() {
    RespParser p1 = new RespParser(1 << 20);
    assertThat(p1.parse(buf("*x\r\n"), sink)).isFalse();
    assertThat(p1.error()).isEqualTo("invalid multibulk length");
    RespParser p2 = new RespParser(1 << 20);
    assertThat(p2.parse(buf("*1\r\n+OK\r\n"), sink)).isFalse();
    assertThat(p2.error()).isEqualTo("expected '$', got '+'");
    RespParser p3 = new RespParser(1 << 20);
    assertThat(p3.parse(buf("SET \"unbalanced\r\n"), sink)).isFalse();
    assertThat(p3.error()).isEqualTo("unbalanced quotes in request");
    RespParser p4 = new RespParser(1 << 20);
    assertThat(p4.parse(buf("x".repeat(RespParser.MAX_INLINE + 1)), sink)).isFalse();
    assertThat(p4.error()).isEqualTo("too big inline request");
  }

  @Test
  void hugeMultibulkCountDoesNotPreallocate() {
    RespParser p = new RespParser(1 << 20);
    ByteBuf in = buf("*2000000000\r\n$1\r\na\r\n");
    assertThat(p.parse(in, sink)).isTrue();
    assertThat(p.midCommand()).isTrue();
    assertThat(commands).isEmpty();
  }

  /**
   * Random and truncated byte streams: the parser never throws, always terminates, and keeps no
   * more than the input it was given (it fails or waits for more).
   */
  @Test
  void fuzzedInputNeverThrowsOrHangs() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    String[] pieces = {
      "*",
      "$",
      "\r\n",
      "\r",
      "\n",
      "1",
      "3",
      "-1",
      "0",
      "99999999999",
      "GET",
      "\"",
      "'",
      " ",
      "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
      "\\x4",
      "\0"
    };
    long deadline = System.nanoTime() + 3_000_000_000L;
    int iterations = 0;
    while (iterations < 20_000 && System.nanoTime() < deadline) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(20);
      for (int i = 0; i < n; i++) {
        if (rnd.nextBoolean()) {
          sb.append(pieces[rnd.nextInt(pieces.length)]);
        } else {
          sb.append((char) rnd.nextInt(256));
        }
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      RespParser p = new RespParser(1 << 20);
      ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, rnd.nextInt(bytes.length + 1));
      commands.clear();
      try {
        boolean ok = p.parse(in, sink);
        if (ok) {
          // a second call on the same (unchanged) input makes no further progress
          int before = in.readerIndex();
          p.parse(in, sink);
          assertThat(in.readerIndex()).isEqualTo(before);
        }
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + " input " + sb, e);
      }
      iterations++;
    }
    assertThat(iterations).isGreaterThan(1000);
  }
}
