package dev.cairn.coord.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * Per-connection Netty pipeline: frame decoder (bounded by jute.maxbuffer), then the connection.
 */
public final class ClientPipeline extends ChannelInitializer<SocketChannel> {
  private final ServerContext server;

  public ClientPipeline(ServerContext server) {
    this.server = server;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("frames", new FrameDecoder(server.config().juteMaxBuffer()))
        .addLast("client", new ClientConnection(server));
  }
}
