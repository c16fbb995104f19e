package dev.cairn.coord.server;

import dev.cairn.coord.acl.Acls;
import dev.cairn.coord.acl.Perms;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.KeeperError;
import dev.cairn.coord.proto.MultiOp;
import dev.cairn.coord.proto.MultiRequest;
import dev.cairn.coord.proto.MultiResult;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.tree.DataNode;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.EphemeralOwner;
import dev.cairn.coord.tree.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.txn.CheckVersionTxn;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of the pipeline (prep → sync → final): turns each write request into a txn with the
 * next zxid, or into an error, exactly as ZooKeeper's {@code PrepRequestProcessor} decides — the
 * same checks in the same order, so a request failing several checks gets the same error code.
 * Reads pass through untouched (they run in the final stage, after the writes before them).
 *
 * <p>Writes are pipelined: a txn is prepared while earlier ones are still being logged, so checks
 * read nodes through {@link ChangeRecord}s of txns not yet applied ("outstanding changes") before
 * falling back to the tree. A multi prepares its ops against a scratch overlay and publishes it
 * only if every op passed; otherwise nothing is logged and each op gets ZooKeeper's per-op result
 * (OK before the failing op, its error, RUNTIMEINCONSISTENCY after).
 *
 * <p>Threading: the stage runs on the caller's thread (a connection's I/O thread, the expiry clock,
 * the container reaper) under the processor's lock, which orders all requests into one sequence of
 * zxids; that saves a thread hand-off per request. A connection's requests come from one I/O
 * thread, so each session's order is kept. {@link #applied} is called from the final stage.
 */
public final class PrepProcessor implements RequestProcessor {
  private static final Logger log = LoggerFactory.getLogger(PrepProcessor.class);
  private final DataTree tree;
  private final LongPredicate sessionLive;
  private final boolean extendedTypes;
  private final boolean reconfigEnabled;
  private final RequestProcessor next;
  private final Map<String, ChangeRecord> outstanding = new HashMap<>();
  private final ArrayDeque<ChangeRecord> outstandingOrder = new ArrayDeque<>();
  private long lastZxid;
  private boolean stopped;

  /**
   * @param sessionLive whether a session id is live and not closing: writes of a session being
   *     closed or expired are refused (SESSIONEXPIRED), so none can outlive its closeSession txn
   */
  public PrepProcessor(
      DataTree tree,
      LongPredicate sessionLive,
      long lastZxid,
      boolean extendedTypes,
      boolean reconfigEnabled,
      RequestProcessor next) {
    this.tree = tree;
    this.sessionLive = sessionLive;
    this.lastZxid = lastZxid;
    this.extendedTypes = extendedTypes;
    this.reconfigEnabled = reconfigEnabled;
    this.next = next;
  }

  @Override
  public synchronized void process(Request request) {
    if (stopped) {
      return;
    }
    prep(request);
    next.process(request);
  }

  @Override
  public synchronized void shutdown() {
    if (!stopped) {
      stopped = true;
      next.shutdown();
    }
  }

  /**
   * Ensemble leader: prepares {@code r} as the txn with {@code zxid} (the quorum's next), on the
   * quorum thread. A refused request takes no zxid here; the caller proposes its error txn.
   */
  synchronized void prepareAt(Request r, long zxid) {
    lastZxid = zxid - 1;
    prep(r);
  }

  /**
   * Leadership ended: the change records of txns that were proposed but may never commit must not
   * shadow the tree for the next leader's requests.
   */
  void forgetOutstanding() {
    synchronized (outstanding) {
      outstanding.clear();
      outstandingOrder.clear();
    }
  }

  /** The final stage applied every txn up to {@code zxid}: their change records are the tree's. */
  void applied(long zxid) {
    synchronized (outstanding) {
      while (!outstandingOrder.isEmpty() && outstandingOrder.peekFirst().zxid <= zxid) {
        ChangeRecord c = outstandingOrder.pollFirst();
        if (outstanding.get(c.path) == c) {
          outstanding.remove(c.path);
        }
      }
    }
  }

  void prep(Request r) {
    if (!r.op.write) {
      return;
    }
    if (r.op != OpCode.CREATE_SESSION
        && r.op != OpCode.CLOSE_SESSION
        && r.sessionId != 0
        && !sessionLive.test(r.sessionId)) {
      r.err = Err.SESSIONEXPIRED;
      return;
    }
    long zxid = lastZxid + 1;
    long time = System.currentTimeMillis();
    Scratch scratch = new Scratch(zxid, time);
    try {
      Record txn;
      int type = r.op.code;
      switch (r.op) {
        case CREATE_SESSION -> txn = r.body;
        case CLOSE_SESSION -> txn = closeSession(r.sessionId, scratch);
        case RECONFIG ->
            // Standalone, as ZooKeeper answers it (an ensemble's leader prepares reconfigs itself).
            throw new KeeperError(reconfigEnabled ? Err.UNIMPLEMENTED : Err.RECONFIGDISABLED);
        case MULTI -> {
          txn = multi(r, scratch);
          if (txn == null) {
            return;
          }
        }
        default -> txn = op(r.op, r.body, r, scratch);
      }
      scratch.publish();
      r.txnHeader = new TxnHeader(r.sessionId, r.xid, zxid, time, type);
      r.txn = txn;
      lastZxid = zxid;
    } catch (KeeperError e) {
      r.err = e.err();
    } catch (RuntimeException e) {
      // Nothing was published and no zxid taken: only this request fails, answered as ZooKeeper
      // answers an unexpected exception in its prep stage.
      log.error(
          "{} of session 0x{} failed in prep, answering MARSHALLINGERROR",
          r.op,
          Long.toHexString(r.sessionId),
          e);
      r.err = Err.MARSHALLINGERROR;
    }
  }

  private Record multi(Request r, Scratch scratch) {
    List<MultiOp> ops = ((MultiRequest) r.body).ops();
    List<Txn> txns = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      MultiOp op = ops.get(i);
      try {
        OpCode code = OpCode.of(op.type());
        Record sub = op(code, op.request(), r, scratch);
        txns.add(new Txn(op.type(), Jute.bytes(sub)));
      } catch (KeeperError e) {
        List<MultiResult> results = new ArrayList<>(ops.size());
        for (int j = 0; j < ops.size(); j++) {
          int err = j < i ? Err.OK.code : j == i ? e.err().code : Err.RUNTIMEINCONSISTENCY.code;
          results.add(new MultiResult(-1, err, new ErrorResponse(err)));
        }
        r.failedMulti = results;
        return null;
      }
    }
    return new MultiTxn(txns);
  }

  private Record op(OpCode op, Record body, Request r, Scratch s) throws KeeperError {
    return switch (op) {
      case CREATE, CREATE2, CREATE_CONTAINER, CREATE_TTL -> create(op, body, r, s);
      case DELETE -> delete((DeleteRequest) body, r, s);
      case DELETE_CONTAINER -> deleteContainer((DeleteRequest) body, s);
      case SET_DATA -> setData((SetDataRequest) body, r, s);
      case SET_ACL -> setAcl((SetACLRequest) body, r, s);
      case CHECK -> check((CheckVersionRequest) body, r, s);
      default -> throw new KeeperError(Err.BADARGUMENTS);
    };
  }

  private Record create(OpCode op, Record body, Request r, Scratch s) throws KeeperError {
    String path;
    byte[] data;
    List<ACL> acl;
    int flags;
    long ttl = 0;
    if (body instanceof CreateTTLRequest t) {
      path = t.getPath();
      data = t.getData();
      acl = t.getAcl();
      flags = t.getFlags();
      ttl = t.getTtl();
    } else {
      CreateRequest c = (CreateRequest) body;
      path = c.getPath();
      data = c.getData();
      acl = c.getAcl();
      flags = c.getFlags();
    }
    CreateMode mode = CreateMode.of(flags);
    if (mode.container() != (op == OpCode.CREATE_CONTAINER)) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    if (op == OpCode.CREATE_TTL) {
      if (!extendedTypes) {
        throw new KeeperError(Err.UNIMPLEMENTED);
      }
      if (!mode.ttl() || ttl <= 0 || ttl > EphemeralOwner.MAX_TTL) {
        throw new KeeperError(Err.BADARGUMENTS);
      }
    } else if (mode.ttl()) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    List<ACL> fixed = Acls.fixup(acl, r.auth);
    if (!Paths.valid(path, mode.sequential())) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    String parentPath = Paths.parent(path);
    ChangeRecord parent = s.record(parentPath);
    Acls.check(parent.acl, Perms.CREATE, r.auth);
    int parentCVersion = parent.stat.getCversion();
    if (mode.sequential()) {
      path = path + String.format(Locale.ENGLISH, "%010d", parentCVersion);
    }
    if (!Paths.valid(path) || "/".equals(path)) {
      throw new KeeperError("/".equals(path) ? Err.NODEEXISTS : Err.BADARGUMENTS);
    }
    if (s.exists(path)) {
      throw new KeeperError(Err.NODEEXISTS);
    }
    if (EphemeralOwner.isSession(parent.stat.getEphemeralOwner())) {
      throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS);
    }
    int newCVersion = parentCVersion + 1;
    long owner =
        mode.ephemeral()
            ? r.sessionId
            : mode.container()
                ? EphemeralOwner.CONTAINER
                : mode.ttl() ? EphemeralOwner.ttl(ttl) : 0;
    Record txn =
        switch (op) {
          case CREATE_CONTAINER -> new CreateContainerTxn(path, data, fixed, newCVersion);
          case CREATE_TTL -> new CreateTTLTxn(path, data, fixed, newCVersion, ttl);
          default -> new CreateTxn(path, data, fixed, mode.ephemeral(), newCVersion);
        };
    ChangeRecord p = parent.duplicate(s.zxid);
    p.stat.setCversion(newCVersion);
    p.stat.setPzxid(s.zxid);
    p.childCount++;
    s.put(p);
    int length = data == null ? 0 : data.length;
    Stat stat = new Stat(s.zxid, s.zxid, s.time, s.time, 0, 0, 0, owner, length, 0, s.zxid);
    s.put(new ChangeRecord(s.zxid, path, stat, 0, fixed));
    return txn;
  }

  private Record delete(DeleteRequest d, Request r, Scratch s) throws KeeperError {
    String path = d.getPath();
    if (!Paths.valid(path) || DataTree.isSystemPath(path)) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    String parentPath = Paths.parent(path);
    ChangeRecord parent = s.record(parentPath);
    Acls.check(parent.acl, Perms.DELETE, r.auth);
    ChangeRecord node = s.record(path);
    checkVersion(node.stat.getVersion(), d.getVersion());
    if (node.childCount > 0) {
      throw new KeeperError(Err.NOTEMPTY);
    }
    ChangeRecord p = parent.duplicate(s.zxid);
    p.childCount--;
    p.stat.setPzxid(s.zxid);
    s.put(p);
    s.put(new ChangeRecord(s.zxid, path, null, 0, null));
    return new DeleteTxn(path);
  }

  /**
   * The server's own delete of an empty container or an expired TTL node: the node may have gained
   * children since the reaper looked (NOTEMPTY then), and must be of those kinds.
   */
  private Record deleteContainer(DeleteRequest d, Scratch s) throws KeeperError {
    String path = d.getPath();
    ChangeRecord parent = s.record(Paths.parent(path));
    ChangeRecord node = s.record(path);
    long owner = node.stat.getEphemeralOwner();
    if (!EphemeralOwner.isContainer(owner) && !EphemeralOwner.isTtl(owner)) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    if (node.childCount > 0) {
      throw new KeeperError(Err.NOTEMPTY);
    }
    ChangeRecord p = parent.duplicate(s.zxid);
    p.childCount--;
    p.stat.setPzxid(s.zxid);
    s.put(p);
    s.put(new ChangeRecord(s.zxid, path, null, 0, null));
    return new DeleteTxn(path);
  }

  private Record setData(SetDataRequest req, Request r, Scratch s) throws KeeperError {
    String path = req.getPath();
    valid(path);
    ChangeRecord node = s.record(path);
    Acls.check(node.acl, Perms.WRITE, r.auth);
    int version = checkVersion(node.stat.getVersion(), req.getVersion());
    ChangeRecord n = node.duplicate(s.zxid);
    n.stat.setVersion(version);
    n.stat.setMtime(s.time);
    n.stat.setMzxid(s.zxid);
    s.put(n);
    return new SetDataTxn(path, req.getData(), version);
  }

  private Record setAcl(SetACLRequest req, Request r, Scratch s) throws KeeperError {
    String path = req.getPath();
    valid(path);
    List<ACL> fixed = Acls.fixup(req.getAcl(), r.auth);
    ChangeRecord node = s.record(path);
    Acls.check(node.acl, Perms.ADMIN, r.auth);
    int version = checkVersion(node.stat.getAversion(), req.getVersion());
    ChangeRecord n = node.withAcl(s.zxid, fixed);
    n.stat.setAversion(version);
    s.put(n);
    return new SetACLTxn(path, fixed, version);
  }

  private Record check(CheckVersionRequest req, Request r, Scratch s) throws KeeperError {
    String path = req.getPath();
    valid(path);
    ChangeRecord node = s.record(path);
    Acls.check(node.acl, Perms.READ, r.auth);
    checkVersion(node.stat.getVersion(), req.getVersion());
    return new CheckVersionTxn(path, req.getVersion());
  }

  /**
   * Deletes the session's ephemerals in the closeSession txn itself: those in the tree plus those
   * pending creation, minus those pending deletion.
   */
  private Record closeSession(long sessionId, Scratch s) throws KeeperError {
    TreeSet<String> paths = new TreeSet<>(tree.ephemerals(sessionId));
    synchronized (outstanding) {
      for (ChangeRecord c : outstandingOrder) {
        if (c.stat == null) {
          paths.remove(c.path);
        } else if (c.stat.getEphemeralOwner() == sessionId) {
          paths.add(c.path);
        }
      }
    }
    List<String> deleted = new ArrayList<>();
    for (String path : paths) {
      if (!s.exists(path)) {
        continue;
      }
      ChangeRecord p = s.record(Paths.parent(path)).duplicate(s.zxid);
      p.childCount--;
      p.stat.setPzxid(s.zxid);
      s.put(p);
      s.put(new ChangeRecord(s.zxid, path, null, 0, null));
      deleted.add(path);
    }
    return new CloseSessionTxn(deleted);
  }

  private static void valid(String path) throws KeeperError {
    if (!Paths.valid(path)) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
  }

  /** -1 matches any version; returns the version after the change. */
  private static int checkVersion(int current, int expected) throws KeeperError {
    if (expected != -1 && expected != current) {
      throw new KeeperError(Err.BADVERSION);
    }
    return current + 1;
  }

  /** The change records one request makes, visible to its later ops, published on success. */
  private final class Scratch {
    final long zxid;
    final long time;
    final Map<String, ChangeRecord> changes = new LinkedHashMap<>();
    final List<ChangeRecord> order = new ArrayList<>();

    Scratch(long zxid, long time) {
      this.zxid = zxid;
      this.time = time;
    }

    void put(ChangeRecord c) {
      changes.put(c.path, c);
      order.add(c);
    }

    /** The node as it will be once earlier txns apply; NONODE if it will not exist. */
    ChangeRecord record(String path) throws KeeperError {
      ChangeRecord c = changes.get(path);
      if (c == null) {
        synchronized (outstanding) {
          c = outstanding.get(path);
        }
      }
      if (c == null) {
        DataNode n = tree.node(path);
        if (n != null) {
          synchronized (n) {
            c = new ChangeRecord(n.stat().getMzxid(), path, n.stat(), n.childCount(), n.acl());
          }
        }
      }
      if (c == null || c.stat == null) {
        throw new KeeperError(Err.NONODE);
      }
      return c;
    }

    boolean exists(String path) {
      try {
        record(path);
        return true;
      } catch (KeeperError e) {
        return false;
      }
    }

    void publish() {
      synchronized (outstanding) {
        for (ChangeRecord c : order) {
          outstanding.put(c.path, c);
          outstandingOrder.addLast(c);
        }
      }
    }
  }
}
