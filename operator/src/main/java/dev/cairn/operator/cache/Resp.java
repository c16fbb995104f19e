package dev.cairn.operator.cache;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP2 command to a cache server or sentinel over a fresh connection, bounded by a timeout:
 * the operator asks a few questions per reconcile and a Redis client library would be a large
 * dependency for that. Replies: String (simple and bulk), Long, null, List, or {@link Error}.
 */
final class Resp {
  private static final Logger LOG = LoggerFactory.getLogger(Resp.class);

  /** An error reply ({@code -ERR ...}). */
  record Error(String message) {}

  private Resp() {}

  static Object call(InetSocketAddress address, Duration timeout, String... args)
      throws IOException {
    return callWithAuth(address, timeout, null, args);
  }

  /**
   * {@code args} after {@code AUTH password} when a password is given (both in one write); an error
   * reply to AUTH is returned instead of the command's reply.
   */
  static Object callWithAuth(
      InetSocketAddress address, Duration timeout, String password, String... args)
      throws IOException {
    try (Socket socket = new Socket()) {
      int millis = (int) timeout.toMillis();
      socket.connect(address, millis);
      socket.setSoTimeout(millis);
      StringBuilder req = new StringBuilder();
      if (password != null) {
        encode(req, "AUTH", password);
      }
      encode(req, args);
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null && read(in) instanceof Error refused) {
        return refused;
      }
      return read(in);
    }
  }

  /**
   * {@link #callWithAuth} with a failure to connect or to read as an {@link Error}: a pod that does
   * not answer is skipped, never fatal.
   */
  static Object quietly(
      InetSocketAddress address, Duration timeout, String password, String... args) {
    try {
      return callWithAuth(address, timeout, password, args);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{} {}: {}", address, args[0], e.toString());
      return new Error(Objects.toString(e.getMessage(), e.toString()));
    }
  }

  private static void encode(StringBuilder req, String... args) {
    req.append('*').append(args.length).append("\r\n");
    for (String a : args) {
      req.append('$')
          .append(a.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(a)
          .append("\r\n");
    }
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        return new Error(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int len = Integer.parseInt(line);
          if (len < 0) {
            return null;
          }
          byte[] data = in.readNBytes(len + 2);
          if (data.length < len + 2) {
            throw new IOException("connection closed mid-reply");
          }
          return new String(data, 0, len, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read(in));
          }
          return items;
        }
      default:
        throw new IOException("not a RESP reply: " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-reply");
      }
      if (b == '\r') {
        in.read(); // '\n'
        return buf.toString(StandardCharsets.UTF_8);
      }
      buf.write(b);
    }
  }
}
