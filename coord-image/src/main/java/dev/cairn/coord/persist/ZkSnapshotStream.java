package dev.cairn.coord.persist;

import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.EphemeralOwner;
import dev.cairn.coord.tree.NodeImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Index;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.data.StatPersisted;

/**
 * The tree and sessions in Apache ZooKeeper's snapshot stream: what a ZooKeeper 3.9 leader sends
 * after a SNAP {@code QuorumPacket} ({@code ZKDatabase.serializeSnapshot}) and what a FileSnap file
 * holds after its header, so Cairn and ZooKeeper servers can sync each other in one ensemble.
 *
 * <pre>
 * stream   := sessions acls node* "/" (ustring: the end marker)
 * sessions := count (int) | (id (long) | timeout (int))*          SerializeUtils.serializeSnapshot
 * acls     := count (int) | (ref (long) | vector&lt;ACL&gt;)*            ReferenceCountedACLCache
 * node     := path (ustring; "" for the root) | data (buffer) | acl ref (long) | StatPersisted
 * </pre>
 *
 * Nodes come parent first (DataTree.serializeNode's pre-order walk), /zookeeper, its quota and
 * config nodes included. An acl ref of -1 means world:anyone with all permissions (ZooKeeper gives
 * its system nodes that ref); any other ref names an entry of the acls map, shared by every node
 * with that list. The stream carries no zxid (the SNAP packet does), no digest and no checksum:
 * ZooKeeper writes its ZxidDigest only into snapshot files, after their checksum, and the leader
 * follows the stream with the signature "BenWasHere", which is the quorum layer's to write and
 * check.
 *
 * <p>The /zookeeper subtree travels like any other: /zookeeper/quota with its limit and stats nodes
 * (ZooKeeper recomputes the stats nodes' data from the tree when it loads one; Cairn keeps no quota
 * stats), and /zookeeper/config, which a ZooKeeper learner overwrites with its own committed
 * configuration right after the SNAP (initConfigInZKDatabase), as Cairn's does when it installs a
 * snapshot.
 *
 * <p>StatPersisted's cversion is the count of child creates, as {@link
 * dev.cairn.coord.tree.DataNode#stat} keeps it; ephemeralOwner is encoded as both servers encode it
 * ({@link EphemeralOwner}): a session id, Long.MIN_VALUE for a container, 0xFF in the top byte and
 * the TTL in the low 40 bits for a TTL node (ZooKeeper indexes those only with {@code
 * zookeeper.extendedTypesEnabled}).
 *
 * <p>Reading is bounded: strings and buffers by the archive ({@link Jute#reader} refuses any longer
 * than maxBuffer), and no count read from the stream sizes an allocation, so a hostile count can
 * only run into the end of the stream. Anything that does not read back fails with a {@link
 * CorruptSnapshotException} naming what was being read; nothing of a failed read is installed.
 */
public final class ZkSnapshotStream {
  /** ZooKeeper's ReferenceCountedACLCache.OPEN_UNSAFE_ACL_ID. */
  private static final long OPEN_ACL_REF = -1;

  /** The shortest serialized ACL: perms and two empty strings; bounds an ACL list's length. */
  private static final int MIN_ACL_BYTES = 12;

  private static final long EXTENDED_MASK = 0xFF00_0000_0000_0000L;

  private ZkSnapshotStream() {}

  /**
   * Writes the tree (a pre-order walk, fuzzy if txns are applied meanwhile) and the sessions as
   * ZooKeeper's {@code serializeSnapshot} does, without the signature.
   */
  public static void write(OutputArchive out, DataTree tree, SessionTracker sessions)
      throws IOException {
    write(out, tree, sessions.timeouts());
  }

  /** Writes the tree and these sessions (id → timeout) in ZooKeeper's snapshot stream format. */
  public static void write(OutputArchive out, DataTree tree, Map<Long, Integer> sessions)
      throws IOException {
    out.writeInt(sessions.size(), "count");
    for (Map.Entry<Long, Integer> s : sessions.entrySet()) {
      out.writeLong(s.getKey(), "id");
      out.writeInt(s.getValue(), "timeout");
    }
    // The ACL map precedes the nodes that refer to it, so the walk is taken first; its images
    // share the nodes' data arrays rather than copying them.
    List<NodeImage> images = new ArrayList<>();
    Map<List<ACL>, Long> refs = new LinkedHashMap<>();
    tree.walk(n -> {
      images.add(n);
      if (!DataTree.OPEN_ACL.equals(n.acl())) {
        refs.computeIfAbsent(n.acl(), acl -> refs.size() + 1L);
      }
    });
    out.writeInt(refs.size(), "map");
    for (Map.Entry<List<ACL>, Long> e : refs.entrySet()) {
      out.writeLong(e.getValue(), "long");
      out.startVector(e.getKey(), "acls");
      for (ACL acl : e.getKey()) {
        acl.serialize(out, "acl");
      }
      out.endVector(e.getKey(), "acls");
    }
    for (NodeImage n : images) {
      out.writeString("/".equals(n.path()) ? "" : n.path(), "path");
      long ref = DataTree.OPEN_ACL.equals(n.acl()) ? OPEN_ACL_REF : refs.get(n.acl());
      out.writeRecord(new ZkNode(n.data(), ref, persisted(n.stat())), "node");
    }
    out.writeString("/", "path");
  }

  /**
   * Reads a stream into a fresh tree (its lastProcessedZxid set to {@code zxid}, which the SNAP
   * packet carries) and the sessions: what {@link Snapshots#readFrom} returns, for the caller to
   * install the same way. {@code in} must bound its strings and buffers ({@link Jute#reader}, or a
   * {@code BinaryInputArchive} with a max buffer).
   */
  public static Snapshots.Loaded read(InputArchive in, long zxid, int maxBuffer)
      throws IOException {
    return new Reader(in, maxBuffer).read(zxid);
  }

  /** A ZooKeeper leader's SNAP stream → the {@code state} of a {@code QuorumMessage.Snap}. */
  public static byte[] readAsState(InputArchive in, long zxid, int maxBuffer) throws IOException {
    Snapshots.Loaded loaded = read(in, zxid, maxBuffer);
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    Snapshots.writeTo(state, zxid, loaded.tree(), loaded.sessions());
    return state.toByteArray();
  }

  /** A {@code QuorumMessage.Snap}'s {@code state} → the stream a ZooKeeper learner reads. */
  public static void writeState(OutputArchive out, byte[] state, int maxBuffer) throws IOException {
    Snapshots.Loaded loaded = Snapshots.readFrom(new ByteArrayInputStream(state), maxBuffer);
    write(out, loaded.tree(), loaded.sessions());
  }

  /** The fields of a stat that ZooKeeper persists (dataLength and numChildren are derived). */
  static StatPersisted persisted(Stat s) {
    return new StatPersisted(
        s.getCzxid(),
        s.getMzxid(),
        s.getCtime(),
        s.getMtime(),
        s.getVersion(),
        s.getCversion(),
        s.getAversion(),
        s.getEphemeralOwner(),
        s.getPzxid());
  }

  private static Stat stat(StatPersisted s) {
    return new Stat(
        s.getCzxid(),
        s.getMzxid(),
        s.getCtime(),
        s.getMtime(),
        s.getVersion(),
        s.getCversion(),
        s.getAversion(),
        s.getEphemeralOwner(),
        0,
        0,
        s.getPzxid());
  }

  /** ZooKeeper's DataNode record: data, the ACL's ref in the stream's map, the persisted stat. */
  private static final class ZkNode implements Record {
    byte[] data;
    long aclRef;
    StatPersisted stat;

    ZkNode(byte[] data, long aclRef, StatPersisted stat) {
      this.data = data;
      this.aclRef = aclRef;
      this.stat = stat;
    }

    @Override
    public void serialize(OutputArchive out, String tag) throws IOException {
      out.startRecord(this, "node");
      out.writeBuffer(data, "data");
      out.writeLong(aclRef, "acl");
      stat.serialize(out, "statpersisted");
      out.endRecord(this, "node");
    }

    @Override
    public void deserialize(InputArchive in, String tag) throws IOException {
      in.startRecord("node");
      data = in.readBuffer("data");
      aclRef = in.readLong("acl");
      stat = new StatPersisted();
      stat.deserialize(in, "statpersisted");
      in.endRecord("node");
    }
  }

  /**
   * One read. What it is reading is kept as a part name, an index and a path (no string built per
   * node), and put into words only when a failure ends the read.
   */
  private static final class Reader {
    private final InputArchive in;
    private final int maxBuffer;
    private String part = "the session count";
    private long index;
    private String path;

    Reader(InputArchive in, int maxBuffer) {
      this.in = in;
      this.maxBuffer = maxBuffer;
    }

    Snapshots.Loaded read(long zxid) throws IOException {
      try {
        Map<Long, Integer> sessions = sessions();
        Map<Long, List<ACL>> acls = acls();
        DataTree tree = nodes(acls);
        tree.setLastProcessedZxid(zxid);
        return new Snapshots.Loaded(zxid, tree, sessions);
      } catch (CorruptSnapshotException e) {
        throw e;
      } catch (EOFException e) {
        throw new CorruptSnapshotException("the stream ends while reading " + where(), e);
      } catch (IOException | RuntimeException e) {
        throw new CorruptSnapshotException("reading " + where() + ": " + e.getMessage(), e);
      }
    }

    private String where() {
      return part + (index > 0 ? " " + index : "") + (path != null ? " (" + path + ")" : "");
    }

    private Map<Long, Integer> sessions() throws IOException {
      int count = count(in.readInt("count"));
      Map<Long, Integer> sessions = new HashMap<>();
      part = "session";
      for (int i = 0; i < count; i++) {
        index = i + 1;
        sessions.put(in.readLong("id"), in.readInt("timeout"));
      }
      return sessions;
    }

    private Map<Long, List<ACL>> acls() throws IOException {
      part = "the ACL map's size";
      index = 0;
      int count = count(in.readInt("map"));
      Map<Long, List<ACL>> acls = new HashMap<>();
      part = "ACL list";
      for (int i = 0; i < count; i++) {
        index = i + 1;
        long ref = in.readLong("long");
        Index entries = in.startVector("acls");
        if (entries == null) {
          throw new CorruptSnapshotException("ACL list " + ref + " is null");
        }
        List<ACL> list = new ArrayList<>();
        for (; !entries.done(); entries.incr()) {
          if (list.size() >= maxBuffer / MIN_ACL_BYTES) {
            throw new CorruptSnapshotException("ACL list " + ref + " is longer than any request");
          }
          ACL acl = new ACL();
          acl.deserialize(in, "acl");
          list.add(acl);
        }
        in.endVector("acls");
        if (acls.put(ref, List.copyOf(list)) != null) {
          throw new CorruptSnapshotException("ACL ref " + ref + " appears twice");
        }
      }
      return acls;
    }

    /**
     * Nodes until the "/" end marker, into a tree that starts as ZooKeeper's empty one does (so a
     * stream from a version without /zookeeper/config still gets one).
     */
    private DataTree nodes(Map<Long, List<ACL>> acls) throws IOException {
      DataTree tree = new DataTree(maxBuffer);
      part = "the root's path";
      index = 0;
      String next = in.readString("path");
      if (!"".equals(next)) {
        throw new CorruptSnapshotException("the first node is " + quoted(next) + ", not the root");
      }
      part = "node";
      for (long n = 1; !"/".equals(next); n++) {
        String cairnPath = next.isEmpty() ? "/" : next;
        index = n;
        path = cairnPath;
        if (!next.isEmpty()) {
          checkPlace(tree, next);
        }
        ZkNode node = new ZkNode(null, 0, null);
        in.readRecord(node, "node");
        List<ACL> acl = node.aclRef == OPEN_ACL_REF ? DataTree.OPEN_ACL : acls.get(node.aclRef);
        if (acl == null) {
          throw new CorruptSnapshotException(
              "node " + cairnPath + " refers to ACL " + node.aclRef + ", not in the stream");
        }
        long owner = node.stat.getEphemeralOwner();
        if (owner != EphemeralOwner.CONTAINER
            && (owner & EXTENDED_MASK) == EXTENDED_MASK
            && owner != EphemeralOwner.ttl(EphemeralOwner.ttlMillis(owner))) {
          throw new CorruptSnapshotException(
              "node "
                  + cairnPath
                  + " has an unknown extended ephemeralOwner 0x"
                  + Long.toHexString(owner));
        }
        tree.restoreNode(cairnPath, node.data, acl, stat(node.stat));
        part = "the path after node";
        next = in.readString("path");
        part = "node";
        if (next == null) {
          throw new CorruptSnapshotException("a null path after node " + cairnPath);
        }
      }
      tree.linkRestored();
      return tree;
    }

    /** ZooKeeper's deserialize refuses a node whose parent did not come before it; so do we. */
    private static void checkPlace(DataTree tree, String path) throws CorruptSnapshotException {
      int slash = path.lastIndexOf('/');
      if (slash < 0 || slash == path.length() - 1) {
        throw new CorruptSnapshotException("node path " + quoted(path) + " is not absolute");
      }
      String parent = slash == 0 ? "/" : path.substring(0, slash);
      if (tree.node(parent) == null) {
        throw new CorruptSnapshotException("node " + path + " comes before its parent " + parent);
      }
    }

    private int count(int n) throws CorruptSnapshotException {
      if (n < 0) {
        throw new CorruptSnapshotException(where() + " is negative: " + n);
      }
      return n;
    }

    private static String quoted(String path) {
      return path == null ? "null" : "\"" + path + "\"";
    }
  }
}
