package dev.cairn.broker.network;

import dev.cairn.broker.log.FileSlice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultFileRegion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Serialises a response frame ({@code int32 size}, response header, body) straight into Netty
 * buffers through kafka-clients' generated {@code write} methods. Record fields holding a {@link
 * FileSlice} become {@link DefaultFileRegion}s between the buffers, so fetched log bytes go from
 * the page cache to the socket by sendfile without entering the heap.
 */
public final class ResponseWriter {
  private ResponseWriter() {}

  /** Writes and flushes the response; the future completes when the last part is written. */
  public static ChannelFuture write(
      Channel channel, int correlationId, short headerVersion, ApiMessage body, short version) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
    int size = header.size(cache, headerVersion) + body.size(cache, version);
    Parts parts = new Parts(channel);
    parts.writeInt(size);
    header.write(parts, cache, headerVersion);
    body.write(parts, cache, version);
    return parts.flush();
  }

  /**
   * A sendfile region over a segment's shared channel: the epoll transport recognises {@link
   * DefaultFileRegion} for native sendfile; releasing it must not close the segment's channel.
   */
  private static final class SharedFileRegion extends DefaultFileRegion {
    SharedFileRegion(FileSlice slice) {
      super(slice.channel(), slice.position(), slice.size());
    }

    @Override
    protected void deallocate() {
      // the channel belongs to the log segment
    }
  }

  /** A {@link Writable} over a list of Netty buffers and file regions. */
  private static final class Parts implements Writable {
    private final Channel channel;
    private final List<Object> out = new ArrayList<>();
    private ByteBuf current;

    Parts(Channel channel) {
      this.channel = channel;
      this.current = channel.alloc().buffer(256);
    }

    ChannelFuture flush() {
      out.add(current);
      ChannelFuture last = null;
      for (Object part : out) {
        last = channel.write(part);
      }
      channel.flush();
      return last;
    }

    @Override
    public void writeByte(byte val) {
      current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
      current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
      current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
      current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
      current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
      current.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
      while ((i & 0xFFFFFF80) != 0) {
        current.writeByte((byte) ((i & 0x7F) | 0x80));
        i >>>= 7;
      }
      current.writeByte((byte) i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
      current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
      writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
      long value = (v << 1) ^ (v >> 63);
      while ((value & 0xFFFFFFFFFFFFFF80L) != 0L) {
        current.writeByte((byte) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      current.writeByte((byte) value);
    }

    @Override
    public void writeUuid(Uuid uuid) {
      current.writeLong(uuid.getMostSignificantBits());
      current.writeLong(uuid.getLeastSignificantBits());
    }

    @Override
    public void writeRecords(BaseRecords records) {
      if (records instanceof FileSlice slice) {
        if (slice.size() > 0) {
          out.add(current);
          out.add(new SharedFileRegion(slice));
          current = channel.alloc().buffer(256);
        }
      } else if (records instanceof MemoryRecords memory) {
        writeByteBuffer(memory.buffer());
      } else {
        throw new IllegalArgumentException("cannot send records of type " + records.getClass());
      }
    }
  }
}
