package dev.cairn.coord.tree;

import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.KeeperError;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.watch.EventType;
import dev.cairn.coord.watch.WatchManager;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * The in-memory znode tree and the only place txns change it ({@link #apply}), firing watches as
 * ZooKeeper's {@code DataTree} does: NodeCreated on the path and NodeChildrenChanged on the parent
 * for a create; NodeDeleted on the path (data and child watches) and NodeChildrenChanged on the
 * parent for a delete; NodeDataChanged for setData.
 *
 * <p>Stat maintenance: a create sets czxid = mzxid = pzxid = its zxid and ctime = mtime, and sets
 * the parent's cversion to the txn's {@code parentCVersion} (its old cversion + 1) and pzxid to the
 * zxid; a delete sets the parent's pzxid; setData sets version (the txn carries the new value),
 * mzxid and mtime; setACL sets aversion. Because txns carry absolute values, applying a txn whose
 * effect a fuzzy snapshot already holds leaves the tree as it was — what recovery relies on.
 *
 * <p>Thread-safety: one thread applies txns; others read concurrently (nodes are in a concurrent
 * map and synchronized individually).
 */
public final class DataTree {
  /** world:anyone with all permissions, ZooKeeper's {@code OPEN_ACL_UNSAFE}. */
  public static final List<ACL> OPEN_ACL = List.of(new ACL(31, new Id("world", "anyone")));

  private static final List<ACL> READ_ACL = List.of(new ACL(1, new Id("world", "anyone")));

  private final ConcurrentHashMap<String, DataNode> nodes = new ConcurrentHashMap<>();
  private final Map<Long, Set<String>> ephemerals = new ConcurrentHashMap<>();
  private final Set<String> containers = ConcurrentHashMap.newKeySet();
  private final Set<String> ttls = ConcurrentHashMap.newKeySet();
  private final WatchManager watches = new WatchManager();
  private final int maxBuffer;
  private volatile long lastProcessedZxid;

  /** A tree holding what ZooKeeper starts with: "/", "/zookeeper", its quota and config nodes. */
  public DataTree(int maxBuffer) {
    this.maxBuffer = maxBuffer;
    nodes.put("/", new DataNode(new byte[0], OPEN_ACL, 0, 0, 0));
    addSystemNode("/zookeeper", OPEN_ACL);
    addSystemNode("/zookeeper/quota", OPEN_ACL);
    addSystemNode("/zookeeper/config", READ_ACL);
    // ZooKeeper sets the config node's ACL with version -1 when it builds the tree, and clients
    // (getConfig, stat) read that aversion.
    nodes.get("/zookeeper/config").aversion = -1;
  }

  private void addSystemNode(String path, List<ACL> acl) {
    nodes.put(path, new DataNode(new byte[0], acl, 0, 0, 0));
    nodes.get(Paths.parent(path)).addChild(Paths.name(path));
  }

  /** Where ZooKeeper keeps the ensemble's configuration, {@code ZooDefs.CONFIG_NODE}. */
  public static final String CONFIG_NODE = "/zookeeper/config";

  /**
   * The configuration the quorum says is committed, as ZooKeeper's {@code initConfigInZKDatabase}
   * writes it (version -1, mzxid the configuration's version), and only if it changed: a reconfig
   * txn has usually written the same bytes already, and its watchers were told then.
   */
  public void setConfig(byte[] data, long version) {
    DataNode node = nodes.get(CONFIG_NODE);
    synchronized (node) {
      if (java.util.Arrays.equals(node.data, data)) {
        return;
      }
    }
    try {
      setData(CONFIG_NODE, data, -1, version, System.currentTimeMillis());
    } catch (KeeperError e) {
      throw new IllegalStateException("the config node is missing", e);
    }
  }

  /** ZooKeeper refuses to delete these (BADARGUMENTS). */
  public static boolean isSystemPath(String path) {
    return "/".equals(path)
        || "/zookeeper".equals(path)
        || "/zookeeper/quota".equals(path)
        || "/zookeeper/config".equals(path);
  }

  public WatchManager watches() {
    return watches;
  }

  public DataNode node(String path) {
    return nodes.get(path);
  }

  public int nodeCount() {
    return nodes.size();
  }

  public long lastProcessedZxid() {
    return lastProcessedZxid;
  }

  public void setLastProcessedZxid(long zxid) {
    lastProcessedZxid = zxid;
  }

  /** Receives the nodes of a {@link #walk}. */
  @FunctionalInterface
  public interface NodeVisitor {
    void visit(NodeImage node) throws IOException;
  }

  /**
   * Visits every node reachable from the root, each parent before its children (pre-order, as
   * ZooKeeper's snapshot walk: its readers need a node's parent first), each node copied under its
   * own lock. Runs while txns keep being applied: a node created or deleted during the walk may or
   * may not be seen (a fuzzy view, which log replay or the quorum's sync completes). Iterative, so
   * a deep tree cannot overflow the stack.
   */
  public void walk(NodeVisitor visitor) throws IOException {
    ArrayDeque<String> pending = new ArrayDeque<>();
    pending.push("/");
    while (!pending.isEmpty()) {
      String path = pending.pop();
      DataNode node = nodes.get(path);
      if (node == null) {
        continue; // deleted since its parent listed it
      }
      NodeImage image;
      List<String> children;
      synchronized (node) {
        image = new NodeImage(path, node.data, node.acl, node.stat());
        children = node.children();
      }
      visitor.visit(image);
      String prefix = "/".equals(path) ? "/" : path + "/";
      for (String child : children) {
        pending.push(prefix + child);
      }
    }
  }

  /** The session's ephemeral paths (a copy). */
  public List<String> ephemerals(long sessionId) {
    Set<String> paths = ephemerals.get(sessionId);
    if (paths == null) {
      return List.of();
    }
    synchronized (paths) {
      return List.copyOf(paths);
    }
  }

  public int ephemeralCount() {
    int n = 0;
    for (Set<String> s : ephemerals.values()) {
      synchronized (s) {
        n += s.size();
      }
    }
    return n;
  }

  public List<String> containers() {
    return List.copyOf(containers);
  }

  public List<String> ttls() {
    return List.copyOf(ttls);
  }

  public long approximateDataSize() {
    long n = 0;
    for (Map.Entry<String, DataNode> e : nodes.entrySet()) {
      byte[] d = e.getValue().data();
      n += e.getKey().length() + (d == null ? 0 : d.length);
    }
    return n;
  }

  /** Number of nodes below {@code path} (not counting it). */
  public int descendantCount(String path) {
    String prefix = "/".equals(path) ? "/" : path + "/";
    int n = 0;
    for (String p : nodes.keySet()) {
      if (p.startsWith(prefix) && !p.equals(path)) {
        n++;
      }
    }
    return n;
  }

  /** Applies a txn (live or replayed) and records its zxid as processed. */
  public TxnResult apply(TxnHeader hdr, Record txn) {
    TxnResult result =
        applyOne(hdr.getType(), hdr.getClientId(), hdr.getZxid(), hdr.getTime(), txn);
    if (hdr.getZxid() > lastProcessedZxid) {
      lastProcessedZxid = hdr.getZxid();
    }
    return result;
  }

  private TxnResult applyOne(int type, long session, long zxid, long time, Record txn) {
    try {
      OpCode op = OpCode.of(type);
      if (op == null) {
        return TxnResult.error(type, Err.UNIMPLEMENTED);
      }
      return switch (op) {
        case CREATE, CREATE2 -> {
          CreateTxn t = (CreateTxn) txn;
          long owner = t.getEphemeral() ? session : 0;
          Stat s =
              createNode(
                  t.getPath(), t.getData(), t.getAcl(), owner, t.getParentCVersion(), zxid, time);
          yield TxnResult.ok(type, t.getPath(), s);
        }
        case CREATE_CONTAINER -> {
          CreateContainerTxn t = (CreateContainerTxn) txn;
          Stat s =
              createNode(
                  t.getPath(),
                  t.getData(),
                  t.getAcl(),
                  EphemeralOwner.CONTAINER,
                  t.getParentCVersion(),
                  zxid,
                  time);
          yield TxnResult.ok(type, t.getPath(), s);
        }
        case CREATE_TTL -> {
          CreateTTLTxn t = (CreateTTLTxn) txn;
          Stat s =
              createNode(
                  t.getPath(),
                  t.getData(),
                  t.getAcl(),
                  EphemeralOwner.ttl(t.getTtl()),
                  t.getParentCVersion(),
                  zxid,
                  time);
          yield TxnResult.ok(type, t.getPath(), s);
        }
        case DELETE, DELETE_CONTAINER -> {
          DeleteTxn t = (DeleteTxn) txn;
          deleteNode(t.getPath(), zxid);
          yield TxnResult.ok(type, t.getPath(), null);
        }
        case SET_DATA, RECONFIG -> {
          SetDataTxn t = (SetDataTxn) txn;
          yield TxnResult.ok(
              type, t.getPath(), setData(t.getPath(), t.getData(), t.getVersion(), zxid, time));
        }
        case SET_ACL -> {
          SetACLTxn t = (SetACLTxn) txn;
          yield TxnResult.ok(type, t.getPath(), setAcl(t.getPath(), t.getAcl(), t.getVersion()));
        }
        case CLOSE_SESSION -> {
          killSession(session, ((CloseSessionTxn) txn).getPaths2Delete(), zxid);
          yield TxnResult.ok(type, null, null);
        }
        case CREATE_SESSION, CHECK -> TxnResult.ok(type, null, null);
        case MULTI -> applyMulti((MultiTxn) txn, session, zxid, time);
        default -> TxnResult.error(type, Err.UNIMPLEMENTED);
      };
    } catch (KeeperError e) {
      return TxnResult.error(type, e.err());
    }
  }

  private TxnResult applyMulti(MultiTxn multi, long session, long zxid, long time)
      throws KeeperError {
    List<TxnResult> results = new ArrayList<>();
    for (Txn sub : multi.getTxns()) {
      Record record;
      try {
        record = TxnCodec.read(sub.getType(), sub.getData(), maxBuffer);
      } catch (IOException e) {
        throw new KeeperError(Err.MARSHALLINGERROR);
      }
      results.add(applyOne(sub.getType(), session, zxid, time, record));
    }
    return new TxnResult(OpCode.MULTI.code, null, null, Err.OK, results);
  }

  private Stat createNode(
      String path, byte[] data, List<ACL> acl, long owner, int parentCVersion, long zxid, long time)
      throws KeeperError {
    String parentPath = Paths.parent(path);
    DataNode parent = nodes.get(parentPath);
    if (parent == null) {
      throw new KeeperError(Err.NONODE);
    }
    DataNode child = new DataNode(data, acl, zxid, time, owner);
    String name = Paths.name(path);
    synchronized (parent) {
      if (parent.hasChild(name)) {
        throw new KeeperError(Err.NODEEXISTS);
      }
      // A replayed create of a node made and deleted inside a fuzzy snapshot's window must not
      // move the parent's cversion backwards.
      if (parentCVersion > parent.cversion) {
        parent.cversion = parentCVersion;
        parent.pzxid = zxid;
      }
      parent.addChild(name);
      nodes.put(path, child);
    }
    if (EphemeralOwner.isContainer(owner)) {
      containers.add(path);
    } else if (EphemeralOwner.isTtl(owner)) {
      ttls.add(path);
    } else if (owner != 0) {
      Set<String> own = ephemerals.computeIfAbsent(owner, o -> new java.util.HashSet<>());
      synchronized (own) {
        own.add(path);
      }
    }
    watches.trigger(path, EventType.NODE_CREATED, zxid);
    watches.trigger(parentPath, EventType.NODE_CHILDREN_CHANGED, zxid);
    return child.clientStat();
  }

  private void deleteNode(String path, long zxid) throws KeeperError {
    String parentPath = Paths.parent(path);
    DataNode node = nodes.get(path);
    DataNode parent = nodes.get(parentPath);
    if (node == null || parent == null) {
      throw new KeeperError(Err.NONODE);
    }
    synchronized (parent) {
      nodes.remove(path);
      parent.removeChild(Paths.name(path));
      if (zxid > parent.pzxid) {
        parent.pzxid = zxid;
      }
    }
    long owner = node.ephemeralOwner;
    if (EphemeralOwner.isContainer(owner)) {
      containers.remove(path);
    } else if (EphemeralOwner.isTtl(owner)) {
      ttls.remove(path);
    } else if (owner != 0) {
      Set<String> own = ephemerals.get(owner);
      if (own != null) {
        synchronized (own) {
          own.remove(path);
          if (own.isEmpty()) {
            ephemerals.remove(owner);
          }
        }
      }
    }
    watches.trigger(path, EventType.NODE_DELETED, zxid);
    watches.trigger(parentPath, EventType.NODE_CHILDREN_CHANGED, zxid);
  }

  private Stat setData(String path, byte[] data, int version, long zxid, long time)
      throws KeeperError {
    DataNode node = nodes.get(path);
    if (node == null) {
      throw new KeeperError(Err.NONODE);
    }
    Stat stat;
    synchronized (node) {
      node.data = data;
      node.version = version;
      node.mzxid = zxid;
      node.mtime = time;
      stat = node.clientStat();
    }
    watches.trigger(path, EventType.NODE_DATA_CHANGED, zxid);
    return stat;
  }

  private Stat setAcl(String path, List<ACL> acl, int version) throws KeeperError {
    DataNode node = nodes.get(path);
    if (node == null) {
      throw new KeeperError(Err.NONODE);
    }
    synchronized (node) {
      node.acl = DataTree.OPEN_ACL.equals(acl) ? DataTree.OPEN_ACL : List.copyOf(acl);
      node.aversion = version;
      return node.clientStat();
    }
  }

  private void killSession(long session, List<String> paths, long zxid) {
    for (String path : paths) {
      try {
        deleteNode(path, zxid);
      } catch (KeeperError e) {
        // Already gone (a replay over a fuzzy snapshot): nothing to delete.
      }
    }
  }

  /**
   * Takes over {@code other}'s nodes and indexes (a snapshot the leader sent, loaded into a fresh
   * tree); watches stay, as their clients are reconnecting and will re-register or be told.
   */
  public void replaceWith(DataTree other) {
    nodes.clear();
    nodes.putAll(other.nodes);
    ephemerals.clear();
    ephemerals.putAll(other.ephemerals);
    containers.clear();
    containers.addAll(other.containers);
    ttls.clear();
    ttls.addAll(other.ttls);
    lastProcessedZxid = other.lastProcessedZxid;
  }

  /** Adds a node read from a snapshot; children are linked by {@link #linkRestored}. */
  public void restoreNode(String path, byte[] data, List<ACL> acl, Stat stat) {
    nodes.put(path, new DataNode(data, acl, stat));
  }

  /**
   * After a snapshot load: rebuilds children sets and the ephemeral, container and TTL indexes from
   * the nodes, dropping nodes whose parent the fuzzy snapshot does not hold.
   */
  public void linkRestored() {
    List<String> paths = new ArrayList<>(nodes.keySet());
    paths.sort((a, b) ->
        Long.compare(
            a.chars().filter(c -> c == '/').count(), b.chars().filter(c -> c == '/').count()));
    for (DataNode n : nodes.values()) {
      n.clearChildren();
    }
    for (String path : paths) {
      if ("/".equals(path)) {
        continue;
      }
      DataNode parent = nodes.get(Paths.parent(path));
      if (parent == null) {
        nodes.remove(path);
        continue;
      }
      parent.addChild(Paths.name(path));
      long owner = nodes.get(path).ephemeralOwner;
      if (EphemeralOwner.isContainer(owner)) {
        containers.add(path);
      } else if (EphemeralOwner.isTtl(owner)) {
        ttls.add(path);
      } else if (owner != 0) {
        ephemerals.computeIfAbsent(owner, o -> new java.util.HashSet<>()).add(path);
      }
    }
  }
}
