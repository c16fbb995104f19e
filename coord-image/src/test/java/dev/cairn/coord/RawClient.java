package dev.cairn.coord;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * A bare-socket ZooKeeper client for tests that need what the real client never does: stay silent
 * (no pings) or send malformed bytes.
 */
final class RawClient implements AutoCloseable {
  final Socket socket;
  final DataInputStream in;
  final DataOutputStream out;
  int xid = 1;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  static RawClient open(CoordinatorEngine engine) throws IOException {
    Socket s = new Socket("127.0.0.1", engine.clientPort());
    s.setSoTimeout(5000);
    return new RawClient(s);
  }

  static RawClient connect(CoordinatorEngine engine, int timeoutMs) throws IOException {
    RawClient c = open(engine);
    c.send(null, new ConnectRequest(0, 0, timeoutMs, 0, new byte[16], false));
    ConnectResponse rsp = new ConnectResponse();
    rsp.deserialize(c.readFrame(), "connect");
    if (rsp.getSessionId() == 0) {
      throw new IOException("no session");
    }
    return c;
  }

  void send(Record header, Record body) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    BinaryOutputArchive a = BinaryOutputArchive.getArchive(buf);
    if (header != null) {
      header.serialize(a, "header");
    }
    if (body != null) {
      body.serialize(a, "body");
    }
    writeFrame(buf.toByteArray());
  }

  void writeFrame(byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  BinaryInputArchive readFrame() throws IOException {
    int len = in.readInt();
    byte[] b = new byte[len];
    in.readFully(b);
    return BinaryInputArchive.getArchive(new java.io.ByteArrayInputStream(b));
  }

  ReplyHeader createEphemeral(String path) throws IOException {
    send(
        new RequestHeader(xid++, ZooDefs.OpCode.create),
        new CreateRequest(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 1));
    ReplyHeader h = new ReplyHeader();
    h.deserialize(readFrame(), "header");
    return h;
  }

  /** Whether the server closed the connection (EOF) within the socket timeout. */
  boolean isClosedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // drain whatever was sent before the close
      }
      return true;
    } catch (EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
