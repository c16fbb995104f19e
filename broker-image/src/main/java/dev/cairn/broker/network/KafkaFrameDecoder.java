package dev.cairn.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka request frames: {@code int32 size} then {@code size} bytes. The
 * size is checked against {@code socket.request.max.bytes} before any byte of the frame is
 * buffered; a negative or oversized size closes this connection only (Kafka's
 * InvalidReceiveException), with one log line. Each frame is emitted as a heap {@link ByteBuffer}
 * because kafka-clients' message readers and record batches work on NIO buffers.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {
  private static final Logger log = LoggerFactory.getLogger(KafkaFrameDecoder.class);

  private final int maxFrameBytes;
  private boolean rejected;

  public KafkaFrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (rejected) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.readableBytes() >= 4) {
      int size = in.getInt(in.readerIndex());
      if (size < 0 || size > maxFrameBytes) {
        rejected = true;
        log.warn(
            "closing connection {}: request frame of {} bytes exceeds socket.request.max.bytes {}",
            ctx.channel().remoteAddress(),
            size,
            maxFrameBytes);
        in.skipBytes(in.readableBytes());
        ctx.close();
        return;
      }
      if (in.readableBytes() < 4 + size) {
        return;
      }
      in.skipBytes(4);
      ByteBuffer frame = ByteBuffer.allocate(size);
      in.readBytes(frame);
      out.add(frame.flip());
    }
  }
}
