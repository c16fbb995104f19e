package dev.cairn.coord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a four-letter word to a coordinator and returns the text it answers with. */
final class FourLetter {
  private FourLetter() {}

  static String ask(CoordinatorEngine engine, String word) throws IOException {
    try (Socket s = new Socket("127.0.0.1", engine.clientPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
