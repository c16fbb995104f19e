package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Ack;
import dev.cairn.coord.quorum.QuorumMessage.AckEpoch;
import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.CommitAndActivate;
import dev.cairn.coord.quorum.QuorumMessage.Diff;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.LeaderInfo;
import dev.cairn.coord.quorum.QuorumMessage.NewLeader;
import dev.cairn.coord.quorum.QuorumMessage.Ping;
import dev.cairn.coord.quorum.QuorumMessage.PingReply;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import dev.cairn.coord.quorum.QuorumMessage.Request;
import dev.cairn.coord.quorum.QuorumMessage.Revalidate;
import dev.cairn.coord.quorum.QuorumMessage.Revalidated;
import dev.cairn.coord.quorum.QuorumMessage.Snap;
import dev.cairn.coord.quorum.QuorumMessage.Sync;
import dev.cairn.coord.quorum.QuorumMessage.Trunc;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.zookeeper.server.quorum.LearnerInfo;
import org.apache.zookeeper.server.quorum.QuorumPacket;

/**
 * Zab between a learner and its leader as Apache ZooKeeper 3.9 puts it on the quorum port (its
 * {@code Learner}, {@code LearnerHandler} and {@code Leader}): jute {@code QuorumPacket} records
 * one after another on the learner's connection. Cairn servers speak it among themselves too.
 *
 * <p>Where ZooKeeper's packets say things differently from {@link QuorumMessage}, each end of a
 * connection translates with a little state of its own:
 *
 * <ul>
 *   <li>A sync is DIFF, TRUNC or SNAP (+ the snapshot stream) followed by the txns as PROPOSALs,
 *       not one message holding them: the learner end collects them until NEWLEADER.
 *   <li>COMMIT names one zxid, and UPTODATE none: the leader end sends a COMMIT for every proposal
 *       it sent on this connection up to a commit point, and the learner end derives what UPTODATE
 *       commits from the proposals still uncommitted on it (a ZooKeeper leader truncates a
 *       learner's log to its committed point and sends the rest again, so everything else a learner
 *       holds is committed).
 *   <li>Observers get one INFORM (zxid + txn) per committed txn instead of PROPOSAL and COMMIT.
 *   <li>A committed reconfiguration is COMMITANDACTIVATE (data: the id of the leader of the new
 *       configuration, 8 bytes) instead of COMMIT, INFORMANDACTIVATE (that id, then the txn)
 *       instead of INFORM: a ZooKeeper learner puts a configuration in force only on these.
 * </ul>
 */
final class ZabWire {
  static final int REQUEST = 1;
  static final int PROPOSAL = 2;
  static final int ACK = 3;
  static final int COMMIT = 4;
  static final int PING = 5;
  static final int REVALIDATE = 6;
  static final int SYNC = 7;
  static final int INFORM = 8;
  static final int COMMITANDACTIVATE = 9;
  static final int NEWLEADER = 10;
  static final int FOLLOWERINFO = 11;
  static final int UPTODATE = 12;
  static final int DIFF = 13;
  static final int TRUNC = 14;
  static final int SNAP = 15;
  static final int OBSERVERINFO = 16;
  static final int LEADERINFO = 17;
  static final int ACKEPOCH = 18;
  static final int INFORMANDACTIVATE = 19;

  /** Zab 1.0, what LearnerInfo and LEADERINFO carry: ZooKeeper 3.4 and later. */
  static final int PROTOCOL_VERSION = 0x10000;

  /** What ZooKeeper's leader writes after the snapshot stream, and checks a learner reads. */
  static final String SIGNATURE = "BenWasHere";

  private ZabWire() {}

  /** The server id and the rest of a learner's first packet; null if it is no registration. */
  static FollowerInfo registration(QuorumPacket first, long[] serverId) throws IOException {
    if (first.getType() != FOLLOWERINFO && first.getType() != OBSERVERINFO) {
      return null;
    }
    byte[] data = first.getData();
    if (data == null || data.length < 8) {
      throw new IOException("a learner registration without its server id");
    }
    ByteBuffer info = ByteBuffer.wrap(data);
    serverId[0] = info.getLong();
    int version = data.length >= 12 ? info.getInt() : 0;
    if (version < PROTOCOL_VERSION) {
      throw new IOException(
          "server " + serverId[0] + " speaks Zab version 0x" + Integer.toHexString(version));
    }
    long configVersion = data.length >= 20 ? info.getLong() : 0;
    return new FollowerInfo(
        Zxid.epoch(first.getZxid()), first.getType() == OBSERVERINFO, configVersion);
  }

  private static QuorumPacket packet(int type, long zxid, byte[] data) {
    return new QuorumPacket(type, zxid, data, null);
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  /** The leader id that COMMITANDACTIVATE and INFORMANDACTIVATE start with. */
  private static long activatingLeader(QuorumPacket p) throws IOException {
    if (p.getData() == null || p.getData().length < 8) {
      throw new IOException("packet type " + p.getType() + " without the leader's id");
    }
    return ByteBuffer.wrap(p.getData()).getLong();
  }

  private static Txn txn(QuorumPacket p) {
    return new Txn(p.getZxid(), p.getData() == null ? new byte[0] : p.getData());
  }

  /** The leader's end of one learner's connection: decodes what the learner sends. */
  static final class LeaderEnd {
    private final boolean observer;
    private final SnapshotTransfer snapshots;

    /** Zxids sent as PROPOSAL on this connection and not yet followed by their COMMIT. */
    private final ArrayDeque<Long> uncommitted = new ArrayDeque<>();

    /**
     * Observer: txns held until committed, then sent as one INFORM each (a ZooKeeper observer
     * ignores PROPOSAL and COMMIT once synced, and drops what was not committed when it synced).
     */
    private final ArrayDeque<Txn> held = new ArrayDeque<>();

    LeaderEnd(boolean observer, SnapshotTransfer snapshots) {
      this.observer = observer;
      this.snapshots = snapshots;
    }

    /** A packet from the learner after its registration; null for one Zab has no use for. */
    QuorumMessage decode(QuorumPacket p) throws IOException {
      byte[] data = p.getData() == null ? new byte[0] : p.getData();
      return switch (p.getType()) {
        case ACKEPOCH -> {
          if (data.length < 4) {
            throw new IOException("ACKEPOCH without the learner's current epoch");
          }
          yield new AckEpoch(ByteBuffer.wrap(data).getInt(), p.getZxid());
        }
        case ACK -> new Ack(p.getZxid());
        case PING -> new PingReply(p.getZxid(), data);
        case REQUEST ->
            new Request(data, p.getAuthinfo() == null ? List.of() : List.copyOf(p.getAuthinfo()));
        case REVALIDATE -> {
          if (data.length < 12) {
            throw new IOException("REVALIDATE of " + data.length + " bytes");
          }
          ByteBuffer b = ByteBuffer.wrap(data);
          yield new Revalidate(b.getLong(), b.getInt());
        }
        default -> null;
      };
    }

    /** Writes a message to the learner as ZooKeeper's leader would. */
    void encode(QuorumMessage message, long myId, OutputArchive out) throws IOException {
      switch (message) {
        case LeaderInfo info ->
            write(out, packet(LEADERINFO, Zxid.of(info.newEpoch(), 0), intBytes(PROTOCOL_VERSION)));
        case Diff diff -> {
          long last = diff.txns().isEmpty() ? 0 : diff.txns().getLast().zxid();
          write(out, packet(DIFF, last, null));
          propose(diff.txns(), out);
        }
        case Trunc trunc -> {
          write(out, packet(TRUNC, trunc.zxid(), null));
          propose(trunc.txns(), out);
        }
        case Snap snap -> {
          write(out, packet(SNAP, snap.zxid(), null));
          snapshots.write(snap.zxid(), snap.state(), out);
          out.writeString(SIGNATURE, "signature");
          propose(snap.txns(), out);
        }
        case NewLeader nl ->
            write(
                out,
                packet(
                    NEWLEADER,
                    Zxid.of(nl.epoch(), 0),
                    nl.config().toString().getBytes(StandardCharsets.UTF_8)));
        case UpToDate u -> {
          commitThrough(u.committedZxid(), out);
          write(out, packet(UPTODATE, -1, null));
        }
        case Proposal p -> propose(List.of(p.txn()), out);
        case Commit c -> commitThrough(c.zxid(), out);
        case CommitAndActivate c -> {
          commitThrough(c.zxid() - 1, out);
          if (!uncommitted.isEmpty() && uncommitted.peekFirst() == c.zxid()) {
            uncommitted.pollFirst();
            write(out, packet(COMMITANDACTIVATE, c.zxid(), longBytes(c.leader())));
          }
          if (!held.isEmpty() && held.peekFirst().zxid() == c.zxid()) {
            byte[] txn = held.pollFirst().data();
            byte[] data = ByteBuffer.allocate(8 + txn.length).putLong(c.leader()).put(txn).array();
            write(out, packet(INFORMANDACTIVATE, c.zxid(), data));
          }
        }
        case Ping ping -> write(out, packet(PING, ping.zxid(), null));
        case Sync sync -> write(out, packet(SYNC, 0, null));
        case Revalidated r -> {
          ByteBuffer b = ByteBuffer.allocate(9).putLong(r.sessionId());
          b.put((byte) (r.valid() ? 1 : 0));
          write(out, packet(REVALIDATE, -1, b.array()));
        }
        default -> throw new IllegalArgumentException("a leader does not send " + message);
      }
    }

    private void propose(List<Txn> txns, OutputArchive out) throws IOException {
      for (Txn txn : txns) {
        if (observer) {
          held.add(txn);
        } else {
          write(out, packet(PROPOSAL, txn.zxid(), txn.data()));
          uncommitted.add(txn.zxid());
        }
      }
    }

    private void commitThrough(long zxid, OutputArchive out) throws IOException {
      while (!uncommitted.isEmpty() && uncommitted.peekFirst() <= zxid) {
        write(out, packet(COMMIT, uncommitted.pollFirst(), null));
      }
      while (!held.isEmpty() && held.peekFirst().zxid() <= zxid) {
        Txn txn = held.pollFirst();
        write(out, packet(INFORM, txn.zxid(), txn.data()));
      }
    }
  }

  /** The learner's end of its connection to the leader: decodes what the leader sends. */
  static final class LearnerEnd {
    private final long myId;
    private final SnapshotTransfer snapshots;

    /** Between DIFF/TRUNC/SNAP and NEWLEADER: the sync being collected. */
    private int syncType = -1;

    private long syncZxid;
    private byte[] snapshot;
    private List<Txn> syncTxns;

    /** Zxids received as PROPOSAL and not yet committed on this connection. */
    private final TreeSet<Long> uncommitted = new TreeSet<>();

    LearnerEnd(long myId, SnapshotTransfer snapshots) {
      this.myId = myId;
      this.snapshots = snapshots;
    }

    void encode(QuorumMessage message, OutputArchive out) throws IOException {
      switch (message) {
        case FollowerInfo f -> {
          LearnerInfo info = new LearnerInfo(myId, PROTOCOL_VERSION, f.configVersion());
          var bytes = new java.io.ByteArrayOutputStream(20);
          BinaryOutputArchive.getArchive(bytes).writeRecord(info, "LearnerInfo");
          write(
              out,
              packet(
                  f.observer() ? OBSERVERINFO : FOLLOWERINFO,
                  Zxid.of(f.acceptedEpoch(), 0),
                  bytes.toByteArray()));
        }
        case AckEpoch a ->
            write(out, packet(ACKEPOCH, a.lastZxid(), intBytes((int) a.currentEpoch())));
        case Ack a -> write(out, packet(ACK, a.zxid(), null));
        case PingReply p -> write(out, packet(PING, p.zxid(), p.payload()));
        case Request r ->
            write(out, new QuorumPacket(REQUEST, -1, r.data(), new ArrayList<>(r.auth())));
        case Revalidate r ->
            write(
                out,
                packet(
                    REVALIDATE,
                    -1,
                    ByteBuffer.allocate(12).putLong(r.sessionId()).putInt(r.timeout()).array()));
        default -> throw new IllegalArgumentException("a learner does not send " + message);
      }
    }

    /**
     * What a packet from the leader means; a SNAP packet's snapshot stream is read from {@code in}
     * right after it.
     */
    List<QuorumMessage> decode(QuorumPacket p, InputArchive in) throws IOException {
      switch (p.getType()) {
        case LEADERINFO -> {
          return List.of(new LeaderInfo(Zxid.epoch(p.getZxid())));
        }
        case DIFF, TRUNC -> startSync(p);
        case SNAP -> {
          startSync(p);
          snapshot = snapshots.read(p.getZxid(), in);
          String signature = in.readString("signature");
          if (!SIGNATURE.equals(signature)) {
            throw new IOException("the leader's snapshot ends in \"" + signature + "\"");
          }
        }
        case PROPOSAL -> {
          uncommitted.add(p.getZxid());
          if (syncType >= 0) {
            syncTxns.add(txn(p));
          } else {
            return List.of(new Proposal(txn(p)));
          }
        }
        case COMMIT, COMMITANDACTIVATE -> {
          uncommitted.remove(p.getZxid());
          if (syncType < 0) {
            return List.of(committed(p));
          }
        }
        case INFORM, INFORMANDACTIVATE -> {
          Txn txn = informed(p);
          if (syncType >= 0) {
            syncTxns.add(txn);
          } else {
            return List.of(new Proposal(txn), committed(p));
          }
        }
        case NEWLEADER -> {
          return newLeader(p);
        }
        case UPTODATE -> {
          // Everything this learner holds below its first proposal still uncommitted.
          long committed = uncommitted.isEmpty() ? Long.MAX_VALUE : uncommitted.first() - 1;
          return List.of(new UpToDate(committed));
        }
        case PING -> {
          return List.of(new Ping(p.getZxid()));
        }
        case SYNC -> {
          return List.of(new Sync());
        }
        case REVALIDATE -> {
          ByteBuffer b = ByteBuffer.wrap(p.getData());
          return List.of(new Revalidated(b.getLong(), b.get() != 0));
        }
        default -> throw new IOException("unexpected quorum packet type " + p.getType());
      }
      return List.of();
    }

    private void startSync(QuorumPacket p) throws IOException {
      if (syncType >= 0) {
        throw new IOException("a second sync (type " + p.getType() + ") before NEWLEADER");
      }
      syncType = p.getType();
      syncZxid = p.getZxid();
      syncTxns = new ArrayList<>();
    }

    private List<QuorumMessage> newLeader(QuorumPacket p) throws IOException {
      if (syncType < 0) {
        throw new IOException("NEWLEADER before any sync");
      }
      Membership config;
      try {
        config = Membership.parse(new String(p.getData(), StandardCharsets.UTF_8), 0);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IOException("unreadable configuration in NEWLEADER: " + e.getMessage(), e);
      }
      QuorumMessage sync =
          switch (syncType) {
            case DIFF -> new Diff(syncTxns);
            case TRUNC -> new Trunc(syncZxid, syncTxns);
            // A ZooKeeper leader queues the proposals after the learner's sync point before it
            // writes SNAP with its tree's last processed zxid, read later: the ones at or below
            // that zxid are in the snapshot already (ZooKeeper's learners replay them).
            default ->
                new Snap(
                    syncZxid,
                    snapshot,
                    syncTxns.stream().filter(t -> t.zxid() > syncZxid).toList());
          };
      syncType = -1;
      syncTxns = null;
      snapshot = null;
      return List.of(sync, new NewLeader(Zxid.epoch(p.getZxid()), config));
    }

    /**
     * What a COMMIT or INFORM says is committed; the ...ANDACTIVATE kinds carry the new
     * configuration's leader. (During a sync the configuration comes with NEWLEADER instead.)
     */
    private static QuorumMessage committed(QuorumPacket p) throws IOException {
      return p.getType() == COMMITANDACTIVATE || p.getType() == INFORMANDACTIVATE
          ? new CommitAndActivate(p.getZxid(), activatingLeader(p))
          : new Commit(p.getZxid());
    }

    /** An INFORM's txn; INFORMANDACTIVATE puts the suggested leader's id before it. */
    private static Txn informed(QuorumPacket p) throws IOException {
      byte[] data = p.getData();
      if (p.getType() == INFORMANDACTIVATE) {
        activatingLeader(p);
        data = java.util.Arrays.copyOfRange(data, 8, data.length);
      }
      return new Txn(p.getZxid(), data);
    }
  }

  static void write(OutputArchive out, QuorumPacket p) throws IOException {
    out.writeRecord(p, "packet");
  }
}
