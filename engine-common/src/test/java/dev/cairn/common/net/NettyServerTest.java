package dev.cairn.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.engine.EchoEngine;
import dev.cairn.common.testkit.EngineExtension;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyServerTest {

  @Test
  void servesManyConnections() throws Exception {
    EchoEngine engine = EngineExtension.startAndAwaitReady(new EchoEngine());
    try {
      for (int i = 0; i < 20; i++) {
        try (Line line = new Line(engine.clientAddress())) {
          assertThat(line.call("hello " + i)).isEqualTo("hello " + i);
        }
      }
      assertThat(engine.server().usesEpoll()).isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
    } finally {
      engine.stop(Duration.ZERO);
    }
  }

  @Test
  void gracefulShutdownClosesListenerThenDrainsInFlightRequests() throws Exception {
    EchoEngine engine = EngineExtension.startAndAwaitReady(new EchoEngine());
    InetSocketAddress address = engine.clientAddress();
    try (Line slow = new Line(address)) {
      slow.send("sleep 700 finished");
      awaitInFlight(engine.server().inFlight(), 1);
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> engine.stop(Duration.ofSeconds(5)));
      awaitListenerClosed(address);
      assertThat(stopping).isNotDone();
      assertThat(slow.read()).isEqualTo("finished");
      stopping.get();
      assertThat(slow.read()).as("connection closed after drain").isNull();
    }
  }

  @Test
  void drainIsBoundedInTime() throws Exception {
    EchoEngine engine = EngineExtension.startAndAwaitReady(new EchoEngine());
    try (Line slow = new Line(engine.clientAddress())) {
      slow.send("sleep 60000 never");
      awaitInFlight(engine.server().inFlight(), 1);
      long start = System.nanoTime();
      engine.stop(Duration.ofMillis(200));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(slow.read()).isNull();
    }
  }

  @Test
  void aReceiveBufferIsSetOnTheListenerAndInheritedByTheConnectionsItAccepts() throws Exception {
    assertThat(acceptedReceiveBuffer(40_000))
        .as("Linux reports twice the size asked for, its bookkeeping included")
        .isIn(40_000, 80_000);
    assertThat(acceptedReceiveBuffer(-1)).as("the kernel's default").isNotIn(40_000, 80_000);
  }

  /** SO_RCVBUF of a connection accepted by a listener with {@code receiveBuffer}. */
  private static int acceptedReceiveBuffer(int receiveBuffer) throws Exception {
    try (NettyServer server = new NettyServer("test", 1)) {
      CompletableFuture<Integer> accepted = new CompletableFuture<>();
      InetSocketAddress address =
          server.listen(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              receiveBuffer,
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  accepted.complete(ch.config().getReceiveBufferSize());
                }
              });
      try (Socket client = new Socket(address.getAddress(), address.getPort())) {
        return accepted.get(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitInFlight(InFlight inFlight, long expected) throws InterruptedException {
    for (int i = 0; i < 500 && inFlight.count() != expected; i++) {
      Thread.sleep(10);
    }
    assertThat(inFlight.count()).isEqualTo(expected);
  }

  private static void awaitListenerClosed(InetSocketAddress address) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      try (Socket s = new Socket(address.getAddress(), address.getPort())) {
        Thread.sleep(10);
      } catch (IOException refused) {
        return;
      }
    }
    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
        .isInstanceOf(ConnectException.class);
  }

  /** A line-oriented client. */
  static final class Line implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    Line(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(10_000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    void send(String line) {
      out.print(line + "\n");
      out.flush();
    }

    String read() throws IOException {
      try {
        return in.readLine();
      } catch (java.net.SocketException reset) {
        return null;
      }
    }

    String call(String line) throws IOException {
      send(line);
      return read();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
