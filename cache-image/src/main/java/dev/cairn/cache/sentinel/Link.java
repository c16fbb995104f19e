package dev.cairn.cache.sentinel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a sentinel to a server or another sentinel, as Redis's instanceLink: either the
 * command link (replies matched to requests in order) or the hello subscription (SUBSCRIBE {@code
 * __sentinel__:hello}, messages handed to {@code onHello}). It authenticates first when the master
 * has an auth-pass, and names itself {@code sentinel-<id>-cmd|pubsub} as Redis does.
 *
 * <p>It connects from bind-source-addr when the sentinel has one, as a replica's link does.
 *
 * <p>Requests made while it connects wait (at most {@link #MAX_WAITING}); a lost connection drops
 * what was in flight without a reply (the sentinel logic treats silence as silence) and the next
 * request reconnects, at most once a second. Runs on the sentinel's event loop only.
 */
final class Link {
  private static final Logger log = LoggerFactory.getLogger(Link.class);
  private static final int MAX_WAITING = 128;
  private static final long RECONNECT_PERIOD = 1000;
  private static final Consumer<Object> IGNORE = r -> {};

  final Address address;
  private final boolean subscription;
  private final EventLoop loop;
  private final String clientName;
  private final Consumer<String> onHello;
  private final InetSocketAddress source;
  private Channel channel;
  private boolean connecting;
  private boolean closed;
  private long lastAttempt = Long.MIN_VALUE / 4;
  long lastUse;
  private String[] auth = new String[0];
  private final ArrayDeque<Consumer<Object>> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

  Link(
      Address address,
      boolean subscription,
      EventLoop loop,
      String clientName,
      Consumer<String> onHello,
      InetSocketAddress source) {
    this.address = address;
    this.subscription = subscription;
    this.loop = loop;
    this.clientName = clientName;
    this.onHello = onHello;
    this.source = source;
  }

  /** AUTH [user] pass to send first on each new connection (empty: none). */
  void auth(String user, String pass) {
    this.auth =
        pass.isEmpty()
            ? new String[0]
            : user.isEmpty() ? new String[] {pass} : new String[] {user, pass};
  }

  boolean connected() {
    return channel != null && channel.isActive() && !connecting;
  }

  /** Sends the commands; {@code onReply} gets the last command's reply, if it comes. */
  void send(List<List<String>> commands, Consumer<Object> onReply, long now) {
    lastUse = now;
    Runnable write =
        () -> {
          for (int i = 0; i < commands.size(); i++) {
            write(commands.get(i), i == commands.size() - 1 ? onReply : IGNORE);
          }
          channel.flush();
        };
    if (connected()) {
      write.run();
      return;
    }
    if (waiting.size() < MAX_WAITING) {
      waiting.add(write);
    }
    connect(now);
  }

  /** Opens the subscription link if it is not open (the timer calls this). */
  void ensureOpen(long now) {
    lastUse = now;
    if (!connected()) {
      connect(now);
    }
  }

  private void connect(long now) {
    if (closed || connecting || (channel != null && channel.isActive())) {
      return;
    }
    if (now - lastAttempt < RECONNECT_PERIOD) {
      return;
    }
    lastAttempt = now;
    connecting = true;
    boolean epoll = loop.parent() instanceof EpollEventLoopGroup;
    new Bootstrap()
        .group(loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ReplyDecoder(), new Handler());
              }
            })
        .connect(new InetSocketAddress(address.host(), address.port()), source)
        .addListener(f -> {
          connecting = false;
          if (closed && f.isSuccess()) {
            ((io.netty.channel.ChannelFuture) f).channel().close(); // forgotten meanwhile
            return;
          }
          if (!f.isSuccess()) {
            log.debug("sentinel could not connect to {}: {}", address, f.cause().toString());
            waiting.clear();
            return;
          }
          channel = ((io.netty.channel.ChannelFuture) f).channel();
          if (auth.length > 0) {
            String[] cmd = new String[auth.length + 1];
            cmd[0] = "AUTH";
            System.arraycopy(auth, 0, cmd, 1, auth.length);
            write(List.of(cmd), IGNORE);
          }
          write(List.of("CLIENT", "SETNAME", clientName), IGNORE);
          if (subscription) {
            write(List.of("SUBSCRIBE", Request.HELLO_CHANNEL), IGNORE);
          }
          while (!waiting.isEmpty()) {
            waiting.poll().run();
          }
          channel.flush();
        });
  }

  private void write(List<String> argv, Consumer<Object> onReply) {
    StringBuilder sb = new StringBuilder();
    sb.append('*').append(argv.size()).append("\r\n");
    for (String a : argv) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    ByteBuf buf = Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8);
    if (!subscription || argv.get(0).equals("AUTH") || argv.get(0).equals("CLIENT")) {
      inFlight.add(onReply);
    }
    channel.write(buf, channel.voidPromise());
  }

  void close() {
    closed = true;
    waiting.clear();
    if (channel != null) {
      channel.close();
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      Object reply = msg == ReplyDecoder.NULL ? null : msg;
      if (subscription
          && reply instanceof List<?> l
          && l.size() == 3
          && "message".equals(l.get(0))
          && l.get(2) instanceof String payload) {
        onHello.accept(payload);
        return;
      }
      if (subscription && reply instanceof List<?>) {
        return; // the subscription's confirmation
      }
      Consumer<Object> callback = inFlight.poll();
      if (callback != null) {
        callback.accept(reply);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      inFlight.clear();
      if (channel == ctx.channel()) {
        channel = null;
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("sentinel link to {} failed: {}", address, cause.toString());
      ctx.close();
    }
  }
}
