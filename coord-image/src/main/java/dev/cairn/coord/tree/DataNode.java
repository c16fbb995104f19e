package dev.cairn.coord.tree;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * One znode: data, ACL, the persisted stat fields and the names of its children.
 *
 * <p>{@code data} may be null (a create without data), as in ZooKeeper: getData then answers null,
 * not an empty array.
 *
 * <p>Thread-safety: the apply thread mutates a node while the prep thread, the snapshot writer and
 * the four-letter words read it, so every access synchronizes on the node. {@code numChildren} and
 * {@code dataLength} are derived, never stored.
 */
public final class DataNode {
  byte[] data;
  List<ACL> acl;
  long czxid;
  long mzxid;
  long pzxid;
  long ctime;
  long mtime;
  int version;
  int cversion;
  int aversion;
  final long ephemeralOwner;

  /** Null until the first child: most znodes are leaves, and the tree's memory is mostly nodes. */
  private Set<String> children;

  DataNode(byte[] data, List<ACL> acl, long zxid, long time, long ephemeralOwner) {
    this.data = data;
    // Most nodes carry the open ACL: sharing one list keeps it out of every node's footprint.
    this.acl = DataTree.OPEN_ACL.equals(acl) ? DataTree.OPEN_ACL : List.copyOf(acl);
    this.czxid = zxid;
    this.mzxid = zxid;
    this.pzxid = zxid;
    this.ctime = time;
    this.mtime = time;
    this.ephemeralOwner = ephemeralOwner;
  }

  /** Restores a node from a snapshot. */
  DataNode(byte[] data, List<ACL> acl, Stat s) {
    this(data, acl, s.getCzxid(), s.getCtime(), s.getEphemeralOwner());
    this.mzxid = s.getMzxid();
    this.pzxid = s.getPzxid();
    this.mtime = s.getMtime();
    this.version = s.getVersion();
    this.cversion = s.getCversion();
    this.aversion = s.getAversion();
  }

  /** The persisted stat: what snapshots store and the request pipeline reasons with. */
  public synchronized Stat stat() {
    return new Stat(
        czxid,
        mzxid,
        ctime,
        mtime,
        version,
        cversion,
        aversion,
        ephemeralOwner,
        data == null ? 0 : data.length,
        childCount(),
        pzxid);
  }

  /**
   * The stat as a client sees it, derived from the persisted one as ZooKeeper's {@code
   * DataNode.copyStat} does: the stored cversion counts child creates only, while clients see the
   * number of child changes, creates and deletes ({@code 2 * creates - children}); and containers
   * and TTL nodes show ephemeralOwner 0 (only a session owner is shown).
   */
  public synchronized Stat clientStat() {
    int children = childCount();
    return new Stat(
        czxid,
        mzxid,
        ctime,
        mtime,
        version,
        cversion * 2 - children,
        aversion,
        EphemeralOwner.isSession(ephemeralOwner) ? ephemeralOwner : 0,
        data == null ? 0 : data.length,
        children,
        pzxid);
  }

  public synchronized byte[] data() {
    return data;
  }

  public synchronized List<ACL> acl() {
    return acl;
  }

  public long ephemeralOwner() {
    return ephemeralOwner;
  }

  public synchronized List<String> children() {
    return children == null ? List.of() : List.copyOf(children);
  }

  synchronized boolean hasChild(String name) {
    return children != null && children.contains(name);
  }

  synchronized void addChild(String name) {
    if (children == null) {
      children = new HashSet<>(4);
    }
    children.add(name);
  }

  synchronized void removeChild(String name) {
    if (children != null) {
      children.remove(name);
    }
  }

  synchronized void clearChildren() {
    children = null;
  }

  public synchronized int childCount() {
    return children == null ? 0 : children.size();
  }
}
