package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Ack;
import dev.cairn.coord.quorum.QuorumMessage.AckEpoch;
import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.Diff;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.LeaderInfo;
import dev.cairn.coord.quorum.QuorumMessage.NewLeader;
import dev.cairn.coord.quorum.QuorumMessage.Notification;
import dev.cairn.coord.quorum.QuorumMessage.Ping;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import dev.cairn.coord.quorum.QuorumMessage.Request;
import dev.cairn.coord.quorum.QuorumMessage.Snap;
import dev.cairn.coord.quorum.QuorumMessage.Trunc;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Quorum messages as bytes between Cairn servers: one type byte (ZooKeeper's packet type numbers,
 * FLE notifications as 0), then the fields big-endian. Every length read is checked against the
 * frame's limit before anything is allocated.
 */
final class QuorumCodec {
  private static final int NOTIFICATION = 0;
  private static final int REQUEST = 1;
  private static final int PROPOSAL = 2;
  private static final int ACK = 3;
  private static final int COMMIT = 4;
  private static final int PING = 5;
  private static final int NEWLEADER = 10;
  private static final int FOLLOWERINFO = 11;
  private static final int UPTODATE = 12;
  private static final int DIFF = 13;
  private static final int TRUNC = 14;
  private static final int SNAP = 15;
  private static final int LEADERINFO = 17;
  private static final int ACKEPOCH = 18;

  private QuorumCodec() {}

  static byte[] encode(QuorumMessage message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      switch (message) {
        case Notification n -> {
          // Notifications travel on the election port (ElectionNetwork); here in the same format.
          out.writeByte(NOTIFICATION);
          out.write(ElectionWire.encode(n));
        }
        case Request r -> {
          out.writeByte(REQUEST);
          writeBytes(out, r.data());
        }
        case Proposal p -> {
          out.writeByte(PROPOSAL);
          writeTxn(out, p.txn());
        }
        case Ack a -> {
          out.writeByte(ACK);
          out.writeLong(a.zxid());
        }
        case Commit c -> {
          out.writeByte(COMMIT);
          out.writeLong(c.zxid());
        }
        case Ping p -> {
          out.writeByte(PING);
          out.writeLong(p.zxid());
          writeBytes(out, p.payload());
        }
        case NewLeader n -> {
          out.writeByte(NEWLEADER);
          out.writeLong(n.epoch());
          writeMembership(out, n.config());
        }
        case FollowerInfo f -> {
          out.writeByte(FOLLOWERINFO);
          out.writeLong(f.acceptedEpoch());
          out.writeLong(f.lastZxid());
          out.writeBoolean(f.observer());
        }
        case UpToDate u -> {
          out.writeByte(UPTODATE);
          out.writeLong(u.committedZxid());
        }
        case Diff d -> {
          out.writeByte(DIFF);
          writeTxns(out, d.txns());
        }
        case Trunc t -> {
          out.writeByte(TRUNC);
          out.writeLong(t.zxid());
          writeTxns(out, t.txns());
        }
        case Snap s -> {
          out.writeByte(SNAP);
          out.writeLong(s.zxid());
          writeBytes(out, s.state());
          writeTxns(out, s.txns());
        }
        case LeaderInfo l -> {
          out.writeByte(LEADERINFO);
          out.writeLong(l.newEpoch());
        }
        case AckEpoch a -> {
          out.writeByte(ACKEPOCH);
          out.writeLong(a.currentEpoch());
          out.writeLong(a.lastZxid());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes one frame; throws {@link IOException} on anything malformed. */
  static QuorumMessage decode(byte[] frame) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
    int limit = frame.length;
    int type = in.readUnsignedByte();
    QuorumMessage message =
        switch (type) {
          case NOTIFICATION -> ElectionWire.decode(in.readAllBytes());
          case REQUEST -> new Request(readBytes(in, limit));
          case PROPOSAL -> new Proposal(readTxn(in, limit));
          case ACK -> new Ack(in.readLong());
          case COMMIT -> new Commit(in.readLong());
          case PING -> new Ping(in.readLong(), readBytes(in, limit));
          case NEWLEADER -> new NewLeader(in.readLong(), readMembership(in, limit));
          case FOLLOWERINFO -> new FollowerInfo(in.readLong(), in.readLong(), in.readBoolean());
          case UPTODATE -> new UpToDate(in.readLong());
          case DIFF -> new Diff(readTxns(in, limit));
          case TRUNC -> new Trunc(in.readLong(), readTxns(in, limit));
          case SNAP -> new Snap(in.readLong(), readBytes(in, limit), readTxns(in, limit));
          case LEADERINFO -> new LeaderInfo(in.readLong());
          case ACKEPOCH -> new AckEpoch(in.readLong(), in.readLong());
          default -> throw new IOException("unknown quorum message type " + type);
        };
    if (in.available() > 0) {
      throw new IOException(in.available() + " bytes after a quorum message of type " + type);
    }
    return message;
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInput in, int limit) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > limit) {
      throw new IOException("impossible length " + length + " in a frame of " + limit + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static void writeMembership(DataOutputStream out, Membership config) throws IOException {
    writeBytes(out, config.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Membership readMembership(DataInput in, int limit) throws IOException {
    String text = new String(readBytes(in, limit), StandardCharsets.UTF_8);
    try {
      return Membership.parse(text, 0);
    } catch (IllegalArgumentException e) {
      throw new IOException("unreadable configuration in a quorum message: " + e.getMessage(), e);
    }
  }

  private static void writeTxn(DataOutputStream out, Txn txn) throws IOException {
    out.writeLong(txn.zxid());
    writeBytes(out, txn.data());
  }

  private static Txn readTxn(DataInput in, int limit) throws IOException {
    return new Txn(in.readLong(), readBytes(in, limit));
  }

  private static void writeTxns(DataOutputStream out, List<Txn> txns) throws IOException {
    out.writeInt(txns.size());
    for (Txn txn : txns) {
      writeTxn(out, txn);
    }
  }

  private static List<Txn> readTxns(DataInput in, int limit) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > limit / 12) {
      throw new IOException("impossible txn count " + count + " in a frame of " + limit + " bytes");
    }
    List<Txn> txns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      txns.add(readTxn(in, limit));
    }
    return txns;
  }
}
