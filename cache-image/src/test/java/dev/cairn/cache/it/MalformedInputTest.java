package dev.cairn.cache.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Bad clients get a protocol error and are disconnected; everyone else keeps being served. The
 * limits are set low so the test sends little.
 */
class MalformedInputTest {
  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() ->
          new CacheEngine(
              CacheConfig.of(
                  Map.of(
                      "port", "0",
                      "admin-port", "0",
                      "proto-max-bulk-len", "1mb",
                      "client-query-buffer-limit", "1mb"))));

  private static int port() {
    return cache.engine().address().getPort();
  }

  /** Sends raw bytes and returns everything the server wrote before closing the connection. */
  private static String exchange(byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException closedEarly) {
        // the server may close while we are still writing an oversized request
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (IOException reset) {
        // connection reset after the error reply is fine
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void bulkLengthOverLimitIsRejectedAndOthersKeepWorking() throws Exception {
    try (Jedis good = new Jedis("127.0.0.1", port())) {
      good.set("k", "v");
      String reply =
          exchange("*2\r\n$3\r\nGET\r\n$2000000\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(reply).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      assertThat(good.get("k")).isEqualTo("v");
    }
  }

  @Test
  void garbageHeadersGetProtocolErrors() throws Exception {
    assertThat(exchange("*abc\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
    assertThat(exchange("*1\r\n:5\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("-ERR Protocol error: expected '$', got ':'\r\n");
  }

  @Test
  void inlineCommandsWorkLikeTelnet() throws Exception {
    String reply = exchange("PING\r\nSET a \"b c\"\r\nGET a\r\nQUIT\r\n".getBytes());
    assertThat(reply).isEqualTo("+PONG\r\n+OK\r\n$3\r\nb c\r\n+OK\r\n");
  }

  @Test
  void queryBufferOverLimitClosesOnlyThatClient() throws Exception {
    try (Jedis good = new Jedis("127.0.0.1", port())) {
      // a multibulk that never completes: its arguments pile up past the 1 MB query buffer
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.write("*100000000\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] arg = ("$1000\r\n" + "x".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 1100; i++) {
        req.write(arg);
      }
      String reply = exchange(req.toByteArray());
      assertThat(reply)
          .isEqualTo("-ERR Protocol error: query buffer over client-query-buffer-limit\r\n");
      assertThat(good.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void pipelineOfTenThousandCommandsIsAnsweredInOrder() throws Exception {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    for (int i = 0; i < 10_000; i++) {
      req.write(
          ("*2\r\n$4\r\nECHO\r\n$" + Integer.toString(i).length() + "\r\n" + i + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
    req.write("*1\r\n$4\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    String reply = exchange(req.toByteArray());
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      expected
          .append('$')
          .append(Integer.toString(i).length())
          .append("\r\n")
          .append(i)
          .append("\r\n");
    }
    expected.append("+OK\r\n");
    assertThat(reply).isEqualTo(expected.toString());
  }
}
