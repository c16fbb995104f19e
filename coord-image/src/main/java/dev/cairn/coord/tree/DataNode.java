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
  final Set<String> children = new HashSet<>();

  DataNode(byte[] data, List<ACL> acl, long zxid, long time, long ephemeralOwner) {
    this.data = data;
    this.acl = List.copyOf(acl);
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
        children.size(),
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
    return List.copyOf(children);
  }

  public synchronized int childCount() {
    return children.size();
  }
}
