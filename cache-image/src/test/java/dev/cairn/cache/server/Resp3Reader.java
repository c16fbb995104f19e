package dev.cairn.cache.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback RESP connection whose replies are read as {@link RespTree}s, so replies of Redis and
 * Cairn can be compared structurally (sets and maps as RESP3 typed them). Errors come back as
 * simple strings starting with "-".
 */
final class Resp3Reader implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  Resp3Reader(int port, int protocol) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
    if (protocol == 3) {
      call("HELLO", "3");
    }
  }

  RespTree call(String... args) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      b.writeBytes(bytes);
      b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(b.toByteArray());
    out.flush();
    return read();
  }

  /** The reply as text ("-ERR ..." for errors), for checks on error replies. */
  String error(String... args) throws IOException {
    RespTree t = call(args);
    return t instanceof RespTree.Text s && s.simple() && s.value().startsWith("-") ? s.value() : "";
  }

  private RespTree read() throws IOException {
    String line = line();
    char type = line.charAt(0);
    String rest = line.substring(1);
    return switch (type) {
      case '$', '=' -> {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          yield new RespTree.Null();
        }
        String s = new String(in.readNBytes(n), StandardCharsets.UTF_8);
        in.readNBytes(2);
        yield new RespTree.Text(type == '=' ? s.substring(4) : s, false);
      }
      case '*', '~', '%', '>' -> {
        int n = Integer.parseInt(rest);
        if (n < 0) {
          yield new RespTree.Null();
        }
        List<RespTree> items = new ArrayList<>();
        for (int i = 0; i < (type == '%' ? 2 * n : n); i++) {
          items.add(read());
        }
        yield new RespTree.Aggregate(type == '>' ? '*' : type, items);
      }
      case '+' -> new RespTree.Text(rest, true);
      case '-' -> new RespTree.Text(line, true);
      case ':' -> new RespTree.Int(Long.parseLong(rest));
      case '_' -> new RespTree.Null();
      default -> new RespTree.Text(line, true); // booleans, doubles: not in what is compared
    };
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.write(c);
    }
    in.read();
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
