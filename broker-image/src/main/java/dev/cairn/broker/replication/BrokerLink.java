package dev.cairn.broker.replication;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * One blocking Kafka-protocol connection from this broker to another (a follower's fetches, a
 * transaction coordinator's markers). It leaves from this broker's own listener address, so a
 * network partition between two brokers' addresses cuts it as it cuts client traffic.
 */
public final class BrokerLink implements Closeable {
  private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

  private final String clientId;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int correlationId;

  public BrokerLink(InetSocketAddress to, InetAddress from, String clientId, int timeoutMs)
      throws IOException {
    this.clientId = clientId;
    this.socket = new Socket();
    try {
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.setTcpNoDelay(true);
      socket.connect(to, timeoutMs);
      socket.setSoTimeout(timeoutMs);
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Sends {@code request} at {@code version} and waits for its response. */
  public AbstractResponse send(ApiKeys api, short version, ApiMessage request) throws IOException {
    RequestHeader header = new RequestHeader(api, version, clientId, ++correlationId);
    ByteBuffer body =
        RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
    ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining());
    frame.putInt(body.remaining()).put(body).flip();
    out.write(frame.array(), 0, frame.limit());
    out.flush();
    int size = in.readInt();
    if (size < 0 || size > MAX_RESPONSE_BYTES) {
      throw new IOException(
          "response of " + size + " bytes from " + socket.getRemoteSocketAddress());
    }
    byte[] answer = new byte[size];
    try {
      in.readFully(answer);
    } catch (EOFException e) {
      throw new IOException("connection to " + socket.getRemoteSocketAddress() + " closed", e);
    }
    return AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
