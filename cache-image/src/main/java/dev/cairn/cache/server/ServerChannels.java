package dev.cairn.cache.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of a client connection: one {@link Connection} handler. */
public final class ServerChannels {
  private ServerChannels() {}

  public static ChannelInitializer<SocketChannel> initializer(Server server) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new Connection(server));
      }
    };
  }
}
