package dev.cairn.common.engine;

import dev.cairn.common.admin.AdminServer;
import dev.cairn.common.admin.Metrics;
import dev.cairn.common.net.NettyServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A line echo server built only from the kit, standing in for a real engine: {@code text} is
 * answered with {@code text}, {@code sleep <ms> <text>} after a delay (an in-flight request).
 */
public class EchoEngine implements Engine {
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean ready;
  private NettyServer server;
  private AdminServer admin;
  private PrometheusMeterRegistry registry;
  private InetSocketAddress clientAddress;

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public void start() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    registry = Metrics.prometheus("echo");
    server = new NettyServer("echo", 1);
    server.bindMetrics(registry);
    clientAddress =
        server.listen(
            new InetSocketAddress(loopback, 0),
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new LineBasedFrameDecoder(1024))
                    .addLast(new StringDecoder(StandardCharsets.UTF_8))
                    .addLast(new StringEncoder(StandardCharsets.UTF_8))
                    .addLast(new Handler(server));
              }
            });
    admin = AdminServer.start("echo", new InetSocketAddress(loopback, 0), registry, () -> ready);
    ready = true;
  }

  public InetSocketAddress clientAddress() {
    return clientAddress;
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  public NettyServer server() {
    return server;
  }

  public void setReady(boolean ready) {
    this.ready = ready;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void stop(Duration drain) {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    ready = false;
    server.shutdown(drain);
    admin.close();
    registry.close();
  }

  private static final class Handler extends SimpleChannelInboundHandler<String> {
    private final NettyServer server;

    Handler(NettyServer server) {
      this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      server.inFlight().begin();
      if (line.startsWith("sleep ")) {
        String[] parts = line.split(" ", 3);
        ctx.executor()
            .schedule(() -> reply(ctx, parts[2]), Long.parseLong(parts[1]), TimeUnit.MILLISECONDS);
      } else {
        reply(ctx, line);
      }
    }

    private void reply(ChannelHandlerContext ctx, String text) {
      ctx.writeAndFlush(text + "\n").addListener(f -> server.inFlight().end());
    }
  }

  /** Runs the echo engine as a process, printing its client port, for the signal test. */
  public static void main(String[] args) {
    EngineLauncher.run(
        "echo",
        args,
        a ->
            new EchoEngine() {
              @Override
              public void start() throws Exception {
                super.start();
                System.out.println("PORT " + clientAddress().getPort());
                System.out.flush();
              }
            });
  }
}
