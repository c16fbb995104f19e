package dev.cairn.coord.server;

import dev.cairn.coord.acl.Acls;
import dev.cairn.coord.acl.Perms;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.KeeperError;
import dev.cairn.coord.proto.MultiOp;
import dev.cairn.coord.proto.MultiRequest;
import dev.cairn.coord.proto.MultiResponse;
import dev.cairn.coord.proto.MultiResult;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.session.Session;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataNode;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.Paths;
import dev.cairn.coord.tree.TxnResult;
import dev.cairn.coord.watch.EventType;
import dev.cairn.coord.watch.WatchKind;
import dev.cairn.coord.watch.WatchManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.apache.zookeeper.proto.WhoAmIResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last stage: applies each committed txn to the tree (which fires watches), executes reads, and
 * answers — in pipeline order, on one thread, so every session sees its replies in request order
 * and a notification before the reply to any request that came after the change.
 *
 * <p>One handler per read op over the shared tree; each checks exactly what ZooKeeper's {@code
 * FinalRequestProcessor} checks, in its order (NONODE before NOAUTH).
 *
 * <p>Failures: a request without a txn that throws (a read, or a write prep refused) changed
 * nothing, so only that request fails: it is answered MARSHALLINGERROR, as ZooKeeper answers an
 * unexpected exception, and the stage goes on. A txn that throws may be half applied: the thread
 * ends with the exception and its uncaught-exception handler stops the server.
 */
public final class FinalProcessor implements RequestProcessor, Runnable {
  private static final Logger log = LoggerFactory.getLogger(FinalProcessor.class);
  private static final List<Request> STOP = List.of();

  private final DataTree tree;
  private final SessionTracker sessions;
  private final Replies replies;
  private final LinkedBlockingQueue<List<Request>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private PrepProcessor prep;

  public FinalProcessor(
      DataTree tree,
      SessionTracker sessions,
      Replies replies,
      Thread.UncaughtExceptionHandler onDeath) {
    this.tree = tree;
    this.sessions = sessions;
    this.replies = replies;
    this.thread = new Thread(this, "coord-final");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
  }

  /** Where answered requests are reported (latency, counters, in-flight accounting). */
  public interface Replies {
    void answered(Request request, Err err);
  }

  public void start(PrepProcessor prep) {
    this.prep = prep;
    thread.start();
  }

  @Override
  public void process(Request request) {
    queue.add(List.of(request));
  }

  void processBatch(List<Request> batch) {
    queue.add(List.copyOf(batch));
  }

  public int queued() {
    return queue.size();
  }

  @Override
  public void run() {
    while (true) {
      List<Request> batch;
      try {
        batch = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == STOP) {
        return;
      }
      for (Request r : batch) {
        try {
          handle(r);
        } catch (RuntimeException e) {
          if (r.txnHeader != null) {
            throw e;
          }
          failed(r, e);
        }
      }
    }
  }

  @Override
  public void shutdown() {
    queue.add(STOP);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(Request r) {
    if (r.task != null) {
      r.task.run();
      return;
    }
    long zxid = tree.lastProcessedZxid();
    Err err = r.err;
    Record rsp = null;
    if (r.txnHeader != null) {
      TxnResult res = tree.apply(r.txnHeader, r.txn);
      zxid = r.txnHeader.getZxid();
      prep.applied(zxid);
      switch (r.op) {
        case CREATE_SESSION -> {
          Session s = sessions.get(r.sessionId);
          if (r.cnxn != null && s != null) {
            r.cnxn.sessionEstablished(s);
          }
          replies.answered(r, Err.OK);
          return;
        }
        case CLOSE_SESSION -> {
          Session s = sessions.get(r.sessionId);
          sessions.removeSession(r.sessionId);
          if (r.cnxn != null) {
            r.cnxn.sendReply(new ReplyHeader(r.xid, zxid, 0), null);
            r.cnxn.close();
          } else if (s != null && s.owner() instanceof Connection owner) {
            // Expired: the connection still attached gets closed, the client then learns of
            // the expiry when it reconnects.
            owner.close();
          }
          replies.answered(r, Err.OK);
          return;
        }
        case RECONFIG -> {
          // As ZooKeeper answers a reconfig: the configuration now in force, and the node's stat.
          DataNode config = tree.node(DataTree.CONFIG_NODE);
          synchronized (config) {
            rsp = new GetDataResponse(config.data(), res.stat());
          }
        }
        default -> rsp = writeResponse(res);
      }
      if (res.err() != Err.OK) {
        err = res.err();
      }
    } else if (r.failedMulti != null) {
      rsp = new MultiResponse(r.failedMulti);
    } else if (err == Err.OK && !r.op.write) {
      try {
        rsp = read(r);
      } catch (KeeperError e) {
        err = e.err();
      }
    }
    if (r.cnxn != null) {
      r.cnxn.sendReply(new ReplyHeader(r.xid, zxid, err.code), err == Err.OK ? rsp : null);
    }
    replies.answered(r, err);
  }

  private void failed(Request r, RuntimeException e) {
    log.error(
        "{} of session 0x{} failed, answering MARSHALLINGERROR",
        r.op,
        Long.toHexString(r.sessionId),
        e);
    if (r.cnxn != null) {
      r.cnxn.sendReply(
          new ReplyHeader(r.xid, tree.lastProcessedZxid(), Err.MARSHALLINGERROR.code), null);
    }
    replies.answered(r, Err.MARSHALLINGERROR);
  }

  /**
   * The type a multi result is announced with: a TTL or container create answers as create2, as
   * ZooKeeper's {@code CreateResult(path, stat)} does (the client knows no result of those types).
   */
  private static int multiResultType(int type) {
    return type == OpCode.CREATE_TTL.code || type == OpCode.CREATE_CONTAINER.code
        ? OpCode.CREATE2.code
        : type;
  }

  private static Record writeResponse(TxnResult res) {
    OpCode op = OpCode.of(res.type());
    return switch (op) {
      case CREATE -> new CreateResponse(res.path());
      case CREATE2, CREATE_TTL, CREATE_CONTAINER -> new Create2Response(res.path(), res.stat());
      case SET_DATA -> new SetDataResponse(res.stat());
      case SET_ACL -> new SetACLResponse(res.stat());
      case MULTI -> {
        List<MultiResult> results = new ArrayList<>();
        for (TxnResult sub : res.multi()) {
          if (sub.err() != Err.OK) {
            results.add(new MultiResult(-1, sub.err().code, new ErrorResponse(sub.err().code)));
          } else {
            results.add(new MultiResult(multiResultType(sub.type()), 0, writeResponse(sub)));
          }
        }
        yield new MultiResponse(results);
      }
      default -> null;
    };
  }

  private Record read(Request r) throws KeeperError {
    return switch (r.op) {
      case PING, SET_WATCHES, SET_WATCHES2 -> {
        if (r.op != OpCode.PING) {
          setWatches(r);
        }
        yield null;
      }
      case EXISTS -> exists(r, (ExistsRequest) r.body);
      case GET_DATA -> getData(r, (GetDataRequest) r.body);
      case GET_CHILDREN -> {
        GetChildrenRequest q = (GetChildrenRequest) r.body;
        yield new GetChildrenResponse(children(r, q.getPath(), q.getWatch(), null));
      }
      case GET_CHILDREN2 -> {
        GetChildren2Request q = (GetChildren2Request) r.body;
        Stat[] stat = new Stat[1];
        List<String> names = children(r, q.getPath(), q.getWatch(), stat);
        yield new GetChildren2Response(names, stat[0]);
      }
      case GET_ACL -> getAcl(r, (GetACLRequest) r.body);
      case SYNC -> new SyncResponse(((SyncRequest) r.body).getPath());
      case GET_EPHEMERALS -> getEphemerals(r, (GetEphemeralsRequest) r.body);
      case GET_ALL_CHILDREN_NUMBER -> {
        String path = ((GetAllChildrenNumberRequest) r.body).getPath();
        DataNode n = node(path);
        Acls.check(n.acl(), Perms.READ, r.auth);
        yield new GetAllChildrenNumberResponse(tree.descendantCount(path));
      }
      case ADD_WATCH -> addWatch(r, (AddWatchRequest) r.body);
      case REMOVE_WATCHES -> {
        RemoveWatchesRequest q = (RemoveWatchesRequest) r.body;
        if (r.cnxn == null || !tree.watches().remove(q.getPath(), r.cnxn, kinds(q.getType()))) {
          throw new KeeperError(Err.NOWATCHER);
        }
        yield null;
      }
      case CHECK_WATCHES -> {
        CheckWatchesRequest q = (CheckWatchesRequest) r.body;
        if (r.cnxn == null || !tree.watches().contains(q.getPath(), r.cnxn, kinds(q.getType()))) {
          throw new KeeperError(Err.NOWATCHER);
        }
        yield null;
      }
      case MULTI_READ -> multiRead(r);
      case WHO_AM_I -> whoAmI(r);
      default -> throw new KeeperError(Err.UNIMPLEMENTED);
    };
  }

  private DataNode node(String path) throws KeeperError {
    if (path == null || path.indexOf('\0') >= 0) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    DataNode n = tree.node(path);
    if (n == null) {
      throw new KeeperError(Err.NONODE);
    }
    return n;
  }

  private Record exists(Request r, ExistsRequest q) throws KeeperError {
    String path = q.getPath();
    if (path == null || path.indexOf('\0') >= 0) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    DataNode n = tree.node(path);
    if (n != null) {
      Acls.check(n.acl(), Perms.READ, r.auth);
    }
    if (q.getWatch() && r.cnxn != null) {
      tree.watches().add(path, r.cnxn, WatchKind.DATA);
    }
    if (n == null) {
      throw new KeeperError(Err.NONODE);
    }
    return new ExistsResponse(n.clientStat());
  }

  private Record getData(Request r, GetDataRequest q) throws KeeperError {
    DataNode n = node(q.getPath());
    Acls.check(n.acl(), Perms.READ, r.auth);
    if (q.getWatch() && r.cnxn != null) {
      tree.watches().add(q.getPath(), r.cnxn, WatchKind.DATA);
    }
    synchronized (n) {
      return new GetDataResponse(n.data(), n.clientStat());
    }
  }

  private List<String> children(Request r, String path, boolean watch, Stat[] stat)
      throws KeeperError {
    DataNode n = node(path);
    Acls.check(n.acl(), Perms.READ, r.auth);
    if (watch && r.cnxn != null) {
      tree.watches().add(path, r.cnxn, WatchKind.CHILD);
    }
    synchronized (n) {
      if (stat != null) {
        stat[0] = n.clientStat();
      }
      return n.children();
    }
  }

  private Record getAcl(Request r, GetACLRequest q) throws KeeperError {
    DataNode n = node(q.getPath());
    Acls.check(n.acl(), Perms.READ | Perms.ADMIN, r.auth);
    synchronized (n) {
      boolean admin = Acls.allows(n.acl(), Perms.ADMIN, r.auth);
      return new GetACLResponse(admin ? n.acl() : Acls.redacted(n.acl()), n.clientStat());
    }
  }

  private Record getEphemerals(Request r, GetEphemeralsRequest q) {
    String prefix = q.getPrefixPath();
    List<String> all = tree.ephemerals(r.sessionId);
    if (prefix == null || prefix.isBlank() || "/".equals(prefix.trim())) {
      return new GetEphemeralsResponse(new ArrayList<>(all));
    }
    List<String> out = new ArrayList<>();
    for (String p : all) {
      if (p.startsWith(prefix)) {
        out.add(p);
      }
    }
    return new GetEphemeralsResponse(out);
  }

  private Record addWatch(Request r, AddWatchRequest q) throws KeeperError {
    if (!Paths.valid(q.getPath())) {
      throw new KeeperError(Err.BADARGUMENTS);
    }
    int kind =
        switch (q.getMode()) {
          case 0 -> WatchKind.PERSISTENT;
          case 1 -> WatchKind.RECURSIVE;
          default -> throw new KeeperError(Err.BADARGUMENTS);
        };
    if (r.cnxn != null) {
      tree.watches().add(q.getPath(), r.cnxn, kind);
    }
    return new ErrorResponse(0);
  }

  /** removeWatches/checkWatches types: Children 1, Data 2, Any 3, Persistent 4, Recursive 5. */
  private static int kinds(int type) throws KeeperError {
    return switch (type) {
      case 1 -> WatchKind.CHILD;
      case 2 -> WatchKind.DATA;
      case 3 -> WatchKind.DATA | WatchKind.CHILD | WatchKind.PERSISTENT | WatchKind.RECURSIVE;
      case 4 -> WatchKind.PERSISTENT;
      case 5 -> WatchKind.RECURSIVE;
      default -> throw new KeeperError(Err.BADARGUMENTS);
    };
  }

  private Record multiRead(Request r) {
    List<MultiResult> results = new ArrayList<>();
    for (MultiOp op : ((MultiRequest) r.body).ops()) {
      try {
        if (op.request() instanceof GetChildrenRequest q) {
          results.add(
              new MultiResult(
                  op.type(),
                  0,
                  new GetChildrenResponse(children(r, q.getPath(), q.getWatch(), null))));
        } else if (op.request() instanceof GetDataRequest q) {
          results.add(new MultiResult(op.type(), 0, getData(r, q)));
        } else {
          throw new KeeperError(Err.BADARGUMENTS);
        }
      } catch (KeeperError e) {
        results.add(new MultiResult(-1, e.err().code, new ErrorResponse(e.err().code)));
      }
    }
    return new MultiResponse(results);
  }

  private Record whoAmI(Request r) {
    List<ClientInfo> infos = new ArrayList<>();
    for (Id id : r.auth) {
      String user = "digest".equals(id.getScheme()) ? id.getId().split(":", 2)[0] : id.getId();
      infos.add(new ClientInfo(id.getScheme(), user));
    }
    return new WhoAmIResponse(infos);
  }

  /**
   * Re-registers a reconnecting client's watches, firing at once those whose trigger happened while
   * it was away (relative to the last zxid it saw), as ZooKeeper's {@code setWatches}.
   */
  private void setWatches(Request r) {
    if (r.cnxn == null) {
      return;
    }
    long rel;
    List<String> data;
    List<String> exist;
    List<String> child;
    List<String> persistent = List.of();
    List<String> recursive = List.of();
    if (r.body instanceof SetWatches2 w) {
      rel = w.getRelativeZxid();
      data = w.getDataWatches();
      exist = w.getExistWatches();
      child = w.getChildWatches();
      persistent = w.getPersistentWatches();
      recursive = w.getPersistentRecursiveWatches();
    } else {
      SetWatches w = (SetWatches) r.body;
      rel = w.getRelativeZxid();
      data = w.getDataWatches();
      exist = w.getExistWatches();
      child = w.getChildWatches();
    }
    WatchManager watches = tree.watches();
    long zxid = tree.lastProcessedZxid();
    for (String path : data) {
      DataNode n = tree.node(path);
      if (n == null) {
        r.cnxn.process(EventType.NODE_DELETED, path, zxid);
      } else if (n.stat().getMzxid() > rel) {
        r.cnxn.process(EventType.NODE_DATA_CHANGED, path, zxid);
      } else {
        watches.add(path, r.cnxn, WatchKind.DATA);
      }
    }
    for (String path : exist) {
      if (tree.node(path) != null) {
        r.cnxn.process(EventType.NODE_CREATED, path, zxid);
      } else {
        watches.add(path, r.cnxn, WatchKind.DATA);
      }
    }
    for (String path : child) {
      DataNode n = tree.node(path);
      if (n == null) {
        r.cnxn.process(EventType.NODE_DELETED, path, zxid);
      } else if (n.stat().getPzxid() > rel) {
        r.cnxn.process(EventType.NODE_CHILDREN_CHANGED, path, zxid);
      } else {
        watches.add(path, r.cnxn, WatchKind.CHILD);
      }
    }
    for (String path : persistent) {
      watches.add(path, r.cnxn, WatchKind.PERSISTENT);
    }
    for (String path : recursive) {
      watches.add(path, r.cnxn, WatchKind.RECURSIVE);
    }
  }
}
