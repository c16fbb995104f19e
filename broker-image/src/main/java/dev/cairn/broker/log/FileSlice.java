package dev.cairn.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * A byte range of a segment file, put into a Fetch response's records field and written to the
 * socket by the network layer as a zero-copy file region (sendfile), never copied through the heap.
 * It holds the segment's open channel, not its path: a segment deleted by retention or replaced by
 * compaction after the read keeps its bytes until the channel closes ({@link LogSegment#delete}
 * defers that), so a response always carries the bytes that were read. The range starts at a batch
 * boundary; it may end inside a batch (clients drop a trailing partial batch), exactly as Kafka
 * serves it.
 */
public record FileSlice(FileChannel channel, long position, int size) implements BaseRecords {

  @Override
  public int sizeInBytes() {
    return size;
  }

  /** Reads the bytes into memory (internal readers such as the group coordinator's loader). */
  public ByteBuffer readFully() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        break;
      }
    }
    return buf.flip();
  }

  /** Kafka's own socket layer is not used here; {@code ResponseWriter} sends file regions. */
  @Override
  public RecordsSend<? extends BaseRecords> toSend() {
    throw new UnsupportedOperationException("file slices are sent as Netty file regions");
  }
}
