package dev.cairn.common.net;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines' Netty bootstrap: one acceptor thread, one I/O event-loop group, any number of
 * listeners (client port, peer ports) on them. Epoll when the native transport loads, NIO
 * otherwise.
 *
 * <p>Shutdown order (see {@link #shutdown}): stop accepting on every listener, wait for in-flight
 * requests ({@link InFlight}) up to the drain timeout, close the client connections, stop the event
 * loops. Thread-safe.
 */
public final class NettyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

  private final String name;
  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new CopyOnWriteArrayList<>();
  private final InFlight inFlight = new InFlight();

  /**
   * @param name the engine's name, used for thread names and log lines
   * @param ioThreads I/O threads; 0 means Netty's default (2 × cores)
   */
  public NettyServer(String name, int ioThreads) {
    this.name = name;
    this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("cairn.netty.nio");
    DefaultThreadFactory bossThreads = new DefaultThreadFactory(name + "-accept", true);
    DefaultThreadFactory ioThreadFactory = new DefaultThreadFactory(name + "-io", true);
    if (epoll) {
      boss = new EpollEventLoopGroup(1, bossThreads);
      workers = new EpollEventLoopGroup(ioThreads, ioThreadFactory);
    } else {
      boss = new NioEventLoopGroup(1, bossThreads);
      workers = new NioEventLoopGroup(ioThreads, ioThreadFactory);
    }
  }

  public boolean usesEpoll() {
    return epoll;
  }

  public EventLoopGroup workers() {
    return workers;
  }

  public InFlight inFlight() {
    return inFlight;
  }

  /** Number of open client connections over all listeners. */
  public int connectionCount() {
    return connections.size();
  }

  /** Registers Netty's event-loop and allocator metrics. */
  public void bindMetrics(MeterRegistry registry) {
    new NettyEventExecutorMetrics(workers).bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
  }

  /**
   * Binds a listener; port 0 picks a free port ({@link InetSocketAddress} of the returned channel
   * tells which).
   */
  public InetSocketAddress listen(
      InetSocketAddress address, ChannelInitializer<SocketChannel> initializer)
      throws InterruptedException {
    return listen(address, -1, initializer);
  }

  /**
   * Binds a listener whose socket has an SO_RCVBUF of {@code receiveBuffer} bytes, which the
   * connections it accepts inherit, as Kafka applies {@code socket.receive.buffer.bytes}: set on
   * the listening socket, before any handshake, so TCP window scaling is negotiated for it. -1 (or
   * any value below 1) leaves the kernel's default and its autotuning.
   */
  public InetSocketAddress listen(
      InetSocketAddress address, int receiveBuffer, ChannelInitializer<SocketChannel> initializer)
      throws InterruptedException {
    Class<? extends ServerChannel> channelClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline().addLast(initializer);
                  }
                });
    if (receiveBuffer > 0) {
      bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
    }
    ChannelFuture bound = bootstrap.bind(address).sync();
    Channel channel = bound.channel();
    listeners.add(channel);
    InetSocketAddress local = (InetSocketAddress) channel.localAddress();
    log.info("{} listening on {} ({})", name, local, epoll ? "epoll" : "nio");
    return local;
  }

  /**
   * Graceful shutdown: listeners first, then in-flight requests get up to {@code drain} to finish,
   * then connections and event loops close.
   */
  public void shutdown(Duration drain) {
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly();
    }
    listeners.clear();
    try {
      if (!inFlight.awaitDrained(drain)) {
        log.warn(
            "{} shutdown: {} requests still in flight after {} ms, closing anyway",
            name,
            inFlight.count(),
            drain.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.close().awaitUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /** A handler that logs and closes a connection on an exception the pipeline did not handle. */
  public static ChannelInboundHandlerAdapter closeOnError(String engine) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn(
            "{} closing connection {}: {}",
            engine,
            ctx.channel().remoteAddress(),
            cause.toString());
        ctx.close();
      }

      @Override
      public boolean isSharable() {
        return true;
      }
    };
  }
}
