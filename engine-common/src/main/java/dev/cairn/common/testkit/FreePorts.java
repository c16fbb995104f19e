package dev.cairn.common.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, for engines and peers a test starts. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * A port that was free a moment ago on 127.0.0.1. Prefer binding port 0 where the server supports
   * it; use this for servers whose port must be known before they start.
   */
  public static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
