package dev.cairn.cache.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw RESP connection that reads whole frames as the exact bytes the server sent (RESP2 and
 * RESP3, push frames included), for tests where the wire form itself is what is compared.
 */
final class RawResp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawResp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5000); // a missing reply fails the test instead of hanging it
    out = socket.getOutputStream();
    in = new java.io.BufferedInputStream(socket.getInputStream());
  }

  void send(String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.ISO_8859_1);
      b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(b.toByteArray());
    out.flush();
  }

  /** Sends a command and returns its reply frame. */
  String call(String... args) throws IOException {
    send(args);
    return frame();
  }

  /** Whether a frame is already buffered (without waiting for one). */
  boolean hasInput() throws IOException {
    return in.available() > 0;
  }

  /** The next whole frame, as sent (ISO-8859-1, CRLFs included). */
  String frame() throws IOException {
    StringBuilder sb = new StringBuilder();
    readFrame(sb);
    return sb.toString();
  }

  private void readFrame(StringBuilder sb) throws IOException {
    String line = line();
    sb.append(line).append("\r\n");
    char type = line.charAt(0);
    switch (type) {
      case '$', '=', '!' -> {
        int n = Integer.parseInt(line.substring(1));
        if (n >= 0) {
          sb.append(new String(in.readNBytes(n + 2), StandardCharsets.ISO_8859_1));
        }
      }
      case '*', '>', '~', '%', '|' -> {
        int n = Integer.parseInt(line.substring(1));
        int items = type == '%' || type == '|' ? 2 * n : n;
        for (int i = 0; i < items; i++) {
          readFrame(sb);
        }
      }
      default -> {} // simple string, error, integer, null, boolean, double, big number
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      sb.append((char) c);
    }
    in.read(); // \n
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
