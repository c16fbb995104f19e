package dev.cairn.cache.replication;

import dev.cairn.cache.server.Client;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;

/**
 * The primary's view of one attached replica: its connection, what it announced (REPLCONF
 * listening-port, capa), where its synchronisation stands, and the offset it last acknowledged.
 * Until it is online, the stream it must get after its snapshot waits in {@link #pending}.
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

  /** Stream bytes for this replica (never modified afterwards by the caller). */
  void send(byte[] bytes) {
    switch (state) {
      case ONLINE -> channel.write(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
      case SEND_BULK -> pending.write(bytes, 0, bytes.length);
      case WAIT_BGSAVE -> {
        // its stream starts with the snapshot it is waiting for
      }
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
        + (pending == null ? 0 : pending.size());
  }

  long lagSeconds(long now) {
    return (now - lastAckMillis) / 1000;
  }
}
