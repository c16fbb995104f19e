package dev.cairn.coord.server;

import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.proto.RequestBodies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.txn.CreateSessionTxn;

/**
 * A client's write (or sync) request as a server hands it to the leader, which prepares it into a
 * txn: ZooKeeper's REQUEST packet data ({@code Learner.request}) — session, xid, op, then the
 * request record as the client sent it (none for closeSession). The identities of the client's
 * connection, for ACL checks, travel beside it (the packet's authinfo).
 */
final class ForwardedRequest {
  private ForwardedRequest() {}

  static byte[] encode(Request r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(r.sessionId);
      out.writeInt(r.xid);
      out.writeInt(r.op.code);
      if (r.body != null) {
        r.body.serialize(new BinaryOutputArchive(out), "request");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The request again, without a connection: the leader answers through the committed txn. */
  static Request decode(byte[] bytes, List<Id> auth, int maxBuffer) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    BinaryInputArchive archive = new BinaryInputArchive(in, maxBuffer, 0);
    long sessionId = in.readLong();
    int xid = in.readInt();
    OpCode op = OpCode.of(in.readInt());
    if (op == null || !op.write && op != OpCode.SYNC) {
      throw new IOException("a forwarded request must be a write or sync, not " + op);
    }
    Record body = null;
    if (in.available() > 0) {
      body = op == OpCode.CREATE_SESSION ? new CreateSessionTxn() : RequestBodies.bodyFor(op);
      if (body == null) {
        throw new IOException(op + " carries no request record");
      }
      body.deserialize(archive, "request");
    }
    return new Request(null, sessionId, xid, op, body, List.copyOf(auth));
  }
}
