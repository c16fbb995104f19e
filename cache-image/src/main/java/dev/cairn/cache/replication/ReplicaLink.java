package dev.cairn.cache.replication;

import dev.cairn.cache.server.Client;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;

/**
 * The primary's view of one attached replica: its connection, what it announced (REPLCONF
 * listening-port, capa), where its synchronisation stands, and the offset it last acknowledged.
 * Until it is online, the stream it must get after its snapshot waits in {@link #pending}; once
 * online, the stream between two flushes is gathered in one pooled buffer ({@link #stream}) and
 * written as one message, not one per command: at -P 16 a message per command cost the primary a
 * third of its throughput in allocation, Netty's per-message bookkeeping and GC copying of the
 * messages queued for a lagging replica.
 */
final class ReplicaLink {
  /** Redis's replica states, as INFO names them. */
  enum State {
    /** Waiting for the snapshot slot (another snapshot runs); +FULLRESYNC not sent yet. */
    WAIT_BGSAVE("wait_bgsave"),
    /** Its snapshot is being sent; the stream since the snapshot's start is buffered. */
    SEND_BULK("send_bulk"),
    ONLINE("online");

    final String info;

    State(String info) {
      this.info = info;
    }
  }

  final Client client;
  final Channel channel;
  final int listeningPort;
  final boolean capaEof;
  final boolean capaPsync2;
  State state;

  /**
   * The snapshot went out EOF-marked: the stream waits for the replica's first ACK, or it could
   * arrive in the same read as the mark, which the replica looks for at the end of a read.
   */
  boolean onlineOnAck;

  long ackOffset;
  long lastAckMillis = System.currentTimeMillis();
  private ByteArrayOutputStream pending;
  private ByteBuf stream;

  ReplicaLink(Client client, int listeningPort, boolean capaEof, boolean capaPsync2) {
    this.client = client;
    this.channel = client.channel();
    this.listeningPort = listeningPort;
    this.capaEof = capaEof;
    this.capaPsync2 = capaPsync2;
  }

  String ip() {
    String a = client.address();
    return a.substring(0, a.lastIndexOf(':'));
  }

  /** The snapshot starts: the stream from now on waits until it is sent. */
  void startBuffering() {
    state = State.SEND_BULK;
    pending = new ByteArrayOutputStream();
  }

  /** Stream bytes for this replica (copied: the caller may reuse the array). */
  void send(byte[] bytes, int off, int len) {
    switch (state) {
      case ONLINE -> {
        if (stream == null) {
          stream = channel.alloc().buffer(Math.max(len, 4096));
        }
        stream.writeBytes(bytes, off, len);
      }
      case SEND_BULK -> pending.write(bytes, off, len);
      case WAIT_BGSAVE -> {
        // its stream starts with the snapshot it is waiting for
      }
    }
  }

  /** Writes and flushes the stream gathered since the last flush. */
  void flush() {
    if (stream != null) {
      ByteBuf out = stream;
      stream = null;
      channel.write(out, channel.voidPromise()); // released by Netty, also when the channel is gone
    }
    channel.flush();
  }

  /** The link is gone: frees the gathered stream. */
  void discard() {
    if (stream != null) {
      stream.release();
      stream = null;
    }
  }

  /** Raw bytes straight to the connection (the sync's own framing and payload). */
  void write(byte[] bytes, int off, int len) {
    channel.write(Unpooled.copiedBuffer(bytes, off, len), channel.voidPromise());
  }

  /** The snapshot is sent: what was buffered follows, then the live stream. */
  void online() {
    state = State.ONLINE;
    lastAckMillis = System.currentTimeMillis(); // its lag counts from now, as putSlaveOnline's

    if (pending != null && pending.size() > 0) {
      channel.write(Unpooled.wrappedBuffer(pending.toByteArray()), channel.voidPromise());
    }
    pending = null;
    channel.flush();
  }

  /** Output waiting for this replica: the connection's unsent bytes and the buffered stream. */
  long pendingBytes() {
    var out = channel.unsafe().outboundBuffer();
    return (out == null ? 0 : out.totalPendingWriteBytes())
        + (pending == null ? 0 : pending.size())
        + (stream == null ? 0 : stream.readableBytes());
  }

  long lagSeconds(long now) {
    return (now - lastAckMillis) / 1000;
  }
}
