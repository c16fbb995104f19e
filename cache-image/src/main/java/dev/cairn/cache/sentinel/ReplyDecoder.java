package dev.cairn.cache.sentinel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the RESP2 replies a sentinel reads from the servers and sentinels it talks to into the
 * values {@link SentinelState} takes: {@link String} (simple and bulk), {@link Long}, {@link List},
 * {@link ErrorReply}, and null for null bulks and arrays. A reply is emitted only once complete;
 * bulks over 64 MB (an INFO is a few KB) close the link as a protocol error.
 */
final class ReplyDecoder extends ByteToMessageDecoder {
  private static final long MAX_BULK = 64L * 1024 * 1024;
  private static final int MAX_DEPTH = 8;

  /** Marks a null reply in the pipeline (Netty does not pass nulls). */
  static final Object NULL = new Object();

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      Object value = read(in, 0);
      if (value == INCOMPLETE) {
        in.readerIndex(start);
        return;
      }
      out.add(value == null ? NULL : value);
    }
  }

  private static final Object INCOMPLETE = new Object();

  private static Object read(ByteBuf in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new DecoderException("replies nested too deep");
    }
    String line = line(in);
    if (line == null) {
      return INCOMPLETE;
    }
    if (line.isEmpty()) {
      throw new DecoderException("empty reply line");
    }
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return rest;
      case '-':
        return new ErrorReply(rest);
      case ':':
        return Long.parseLong(rest);
      case '$':
        {
          long len = Long.parseLong(rest);
          if (len < 0) {
            return null;
          }
          if (len > MAX_BULK) {
            throw new DecoderException("bulk reply of " + len + " bytes");
          }
          if (in.readableBytes() < len + 2) {
            return INCOMPLETE;
          }
          String s = in.toString(in.readerIndex(), (int) len, StandardCharsets.UTF_8);
          in.skipBytes((int) len + 2);
          return s;
        }
      case '*':
        {
          long n = Long.parseLong(rest);
          if (n < 0) {
            return null;
          }
          if (n > 1_000_000) {
            throw new DecoderException("array reply of " + n + " elements");
          }
          List<Object> items = new ArrayList<>((int) Math.min(n, 64));
          for (long i = 0; i < n; i++) {
            Object item = read(in, depth + 1);
            if (item == INCOMPLETE) {
              return INCOMPLETE;
            }
            items.add(item);
          }
          return items;
        }
      default:
        throw new DecoderException("unexpected reply type '" + line.charAt(0) + "'");
    }
  }

  private static String line(ByteBuf in) {
    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (eol < 0) {
      if (in.readableBytes() > 64 * 1024) {
        throw new DecoderException("reply line over 64 KB");
      }
      return null;
    }
    String s = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.UTF_8);
    in.readerIndex(eol + 1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
