package dev.cairn.cache.server;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.resp.RespParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's pipeline stage: accumulates input, parses commands with {@link
 * RespParser}, runs each inline on the keyspace thread (this connection's event loop, shared by all
 * connections) and flushes all replies of one read batch with a single write — so a pipeline of N
 * commands costs one read and one write system call, as in Redis.
 *
 * <p>Limits: a query buffer over {@code client-query-buffer-limit} or a protocol error gets an
 * error reply and the connection is closed; other clients are unaffected. While the client is
 * blocked (BLPOP), its further input waits in the buffer.
 */
final class Connection extends ByteToMessageDecoder implements RespParser.Sink {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final Server server;
  private final RespParser parser;
  private Client client;
  private ChannelHandlerContext ctx;

  Connection(Server server) {
    this.server = server;
    this.parser = new RespParser(server.config().get(CacheConfig.PROTO_MAX_BULK_LEN));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    client = server.clients.connect(ctx.channel());
    if (client != null) {
      client.resumer = this::resume;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (client != null) {
      server.disconnect(client);
    }
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (client == null || client.closed || client.waiting()) {
      return;
    }
    server.stats.readsProcessed++;
    server.stats.netInputBytes += in.readableBytes();
    // as Redis's query buffer, it holds the commands being run (CLIENT LIST of oneself shows them)
    client.queryBuffered = in.readableBytes() + parser.pendingBytes();
    client.queryFree = in.writableBytes();
    parser.maxBulk(server.config().get(CacheConfig.PROTO_MAX_BULK_LEN));
    if (!parser.parse(in, this)) {
      String error = parser.error();
      log.warn("cache client id={} addr={} protocol error: {}", client.id, client.address(), error);
      in.skipBytes(in.readableBytes());
      client.closeWithError("ERR Protocol error: " + error);
      return;
    }
    long limit = server.config().get(CacheConfig.CLIENT_QUERY_BUFFER_LIMIT);
    long buffered = in.readableBytes() + parser.pendingBytes();
    client.queryBuffered = buffered;
    client.queryFree = in.writableBytes();
    if (buffered > limit) {
      log.warn(
          "cache client id={} addr={} closed: query buffer {} bytes over client-query-buffer-limit",
          client.id,
          client.address(),
          buffered);
      in.skipBytes(in.readableBytes());
      client.closeWithError("ERR Protocol error: query buffer over client-query-buffer-limit");
    }
  }

  @Override
  public boolean command(byte[][] argv) {
    client.dropReply = client.skipNextReply || client.repliesOff;
    client.skipNextReply = false;
    int mark = client.reply.pending();
    boolean more = server.execute(client, argv);
    if (client.dropReply) {
      client.reply.truncate(mark);
    }
    server.tracking.afterCommand(client);
    if (!client.inMulti() && !Args.is(argv[0], "client")) {
      client.tracking.commandDone(); // CLIENT CACHING covered one command (or one transaction)
    }
    if (client.closeAfterReply) {
      client.flush();
      client.close();
      return false;
    }
    return more && !client.closed;
  }

  @Override
  public void protocolError(String message) {
    client.closeWithError("ERR Protocol error: " + message);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (client != null) {
      client.flush();
    }
    super.channelReadComplete(ctx);
  }

  /** After an unblock: run commands already buffered. */
  private void resume() {
    if (client.closed || client.waiting()) {
      return;
    }
    ByteBuf buffered = internalBuffer();
    if (buffered.isReadable()) {
      try {
        decode(ctx, buffered, List.of());
      } finally {
        client.flush();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.warn(
        "cache client id={} closing after error: {}",
        client == null ? -1 : client.id,
        cause.toString());
    ctx.close();
  }
}
