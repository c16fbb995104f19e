package dev.cairn.coord.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the client stream into frames: a 4-byte big-endian length, then that many bytes.
 *
 * <p>The length is checked before anything is buffered: negative or above {@code jute.maxbuffer}
 * closes the connection with a log line naming the client (ZooKeeper's "Len error"), so a bad
 * client can never make the server allocate for it; other connections are unaffected. The first
 * four bytes of a connection may instead be a four-letter word ({@code ruok}, {@code srvr}, …),
 * decoded into a {@link FourLetterWord}.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

  private final int maxFrame;
  private boolean first = true;

  FrameDecoder(int maxFrame) {
    this.maxFrame = maxFrame;
  }

  /** A four-letter command read as a connection's first bytes. */
  record FourLetterWord(String word) {}

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!ctx.channel().isActive() || in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (first) {
      first = false;
      String word = FourLetterWords.word(length);
      if (word != null) {
        in.skipBytes(in.readableBytes());
        out.add(new FourLetterWord(word));
        return;
      }
    }
    if (length < 0 || length > maxFrame) {
      log.warn(
          "closing connection from {}: frame length {} outside [0, jute.maxbuffer={}]",
          ctx.channel().remoteAddress(),
          length,
          maxFrame);
      in.skipBytes(in.readableBytes());
      ctx.close();
      return;
    }
    if (in.readableBytes() < 4 + length) {
      return;
    }
    in.skipBytes(4);
    out.add(in.readRetainedSlice(length));
  }
}
