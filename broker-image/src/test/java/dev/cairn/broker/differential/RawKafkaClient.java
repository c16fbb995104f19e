package dev.cairn.broker.differential;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One blocking connection speaking the Kafka protocol with kafka-clients' own request and response
 * classes: for what the public clients never send on purpose (a retried idempotent batch, a
 * sequence gap, a corrupt CRC, a fetch past the log end).
 */
public final class RawKafkaClient implements AutoCloseable {
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private int correlationId;

  RawKafkaClient(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(10_000);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  /** Connects to the broker at {@code bootstrap} (host:port). */
  public static RawKafkaClient to(String bootstrap) throws IOException {
    int colon = bootstrap.lastIndexOf(':');
    return new RawKafkaClient(
        bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)));
  }

  /** Sends one request and returns its parsed response. */
  @SuppressWarnings("unchecked")
  public <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
    RequestHeader header =
        new RequestHeader(request.apiKey(), request.version(), "differential", ++correlationId);
    ByteBuffer frame = request.serializeWithHeader(header);
    out.writeInt(frame.remaining());
    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    out.flush();
    byte[] answer = new byte[in.readInt()];
    in.readFully(answer);
    return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
