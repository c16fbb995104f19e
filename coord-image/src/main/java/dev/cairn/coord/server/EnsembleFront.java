package dev.cairn.coord.server;

import dev.cairn.coord.persist.LoggedTxn;
import dev.cairn.coord.persist.Snapshots;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.KeeperError;
import dev.cairn.coord.proto.MultiResult;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.quorum.Membership;
import dev.cairn.coord.quorum.QuorumDriver;
import dev.cairn.coord.quorum.QuorumPeer;
import dev.cairn.coord.quorum.ServerState;
import dev.cairn.coord.quorum.Txn;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's entry in an ensemble, in place of the standalone prep → sync chain, as ZooKeeper's
 * follower and leader request processors: every write (and sync) goes to the leader, whose {@link
 * PrepProcessor} turns it into a txn — a refused write into an error txn — and proposes it; every
 * server applies the committed txns in zxid order, and the server holding the client's connection
 * answers.
 *
 * <p>This server's own requests wait in one queue in arrival order: a read is answered when every
 * write queued before it here is committed and applied, so a client reads its own writes; txns of
 * other servers' clients are applied as they commit. When the server stops serving (the leader is
 * lost) every client connection is closed — clients reconnect, to this server or another, and keep
 * their sessions — and what was queued is dropped: a write not yet committed may still commit
 * later, as in ZooKeeper.
 */
public final class EnsembleFront implements RequestProcessor, QuorumPeer.Listener {
  private static final Logger log = LoggerFactory.getLogger(EnsembleFront.class);

  private final DataTree tree;
  private final PrepProcessor prep;
  private final FinalProcessor finalStage;
  private final SessionTracker sessions;
  private final FinalProcessor.Replies replies;
  private final Runnable closeClients;
  private final int maxBuffer;
  private final Reconfiguration reconfiguration;
  private final Consumer<Membership> storeMembership;
  private static final long APPLY_WAIT_SECONDS = 60;

  /** The committed configuration the quorum last reported (null before the peer started). */
  private volatile Membership membership;

  /** Where the type sits in a txn: after a TxnHeader's clientId, cxid, zxid and time. */
  private static final int TXN_TYPE_OFFSET = 8 + 4 + 8 + 8;

  private final ArrayDeque<Request> local = new ArrayDeque<>();
  private QuorumDriver driver;
  private volatile boolean serving;

  /**
   * The epoch whose leadership found the tree holding every txn committed before it (quorum thread
   * only): an epoch is led once, so a new one means a new leadership.
   */
  private long caughtUpEpoch = -1;

  public EnsembleFront(
      DataTree tree,
      PrepProcessor prep,
      FinalProcessor finalStage,
      SessionTracker sessions,
      FinalProcessor.Replies replies,
      Runnable closeClients,
      int maxBuffer,
      Reconfiguration reconfiguration,
      Consumer<Membership> storeMembership) {
    this.tree = tree;
    this.prep = prep;
    this.finalStage = finalStage;
    this.sessions = sessions;
    this.replies = replies;
    this.closeClients = closeClients;
    this.maxBuffer = maxBuffer;
    this.reconfiguration = reconfiguration;
    this.storeMembership = storeMembership;
  }

  public void attach(QuorumDriver driver) {
    this.driver = driver;
    this.membership = driver.peerForReading().membership();
  }

  public boolean serving() {
    return serving;
  }

  @Override
  public void process(Request r) {
    if (!serving) {
      drop(r);
      return;
    }
    boolean viaLeader = viaLeader(r);
    synchronized (this) {
      // Queued and submitted in one step: this server's writes reach the leader, and so commit,
      // in the order of the queue.
      local.add(r);
      if (viaLeader) {
        driver.submit(ForwardedRequest.encode(r), r.auth, () -> refused(r));
      }
    }
    if (!viaLeader) {
      drain();
    }
  }

  private static boolean viaLeader(Request r) {
    return r.op.write || r.op == OpCode.SYNC;
  }

  @Override
  public void shutdown() {
    prep.shutdown();
  }

  /** Leader, on the quorum thread: prepares a request into the next txn and proposes it. */
  @Override
  public void request(int from, byte[] bytes, List<Id> auth) {
    prepareAndPropose(driver.peerForReading(), from, bytes, auth);
  }

  private void prepareAndPropose(QuorumPeer peer, int from, byte[] bytes, List<Id> auth) {
    if (!peer.serving() || peer.state() != ServerState.LEADING) {
      return; // leadership ended before the request's turn; its server has dropped it
    }
    Request r;
    try {
      r = ForwardedRequest.decode(bytes, auth, maxBuffer);
    } catch (IOException e) {
      log.warn("dropping an undecodable request forwarded by server {}: {}", from, e.toString());
      return;
    }
    if (r.op == OpCode.SYNC) {
      // No txn: answered when everything proposed before it commits (ZooKeeper's SYNC packet).
      peer.sync(from);
      return;
    }
    // The first request of a leadership may come in the very step that established it, before
    // servingChanged: the tree must hold every committed txn before prep reads it.
    catchUp(peer);
    long zxid = peer.nextZxid();
    long now = System.currentTimeMillis();
    if (r.op == OpCode.RECONFIG) {
      prepareReconfig(peer, r, zxid, now);
    } else {
      prep.prepareAt(r, zxid);
    }
    TxnHeader header;
    Record txn;
    if (r.txnHeader != null) {
      header = r.txnHeader;
      txn = r.txn;
    } else if (r.failedMulti != null) {
      List<org.apache.zookeeper.txn.Txn> errors = new ArrayList<>();
      for (MultiResult result : r.failedMulti) {
        errors.add(
            new org.apache.zookeeper.txn.Txn(
                OpCode.ERROR.code, Jute.bytes(new ErrorTxn(result.err()))));
      }
      header = new TxnHeader(r.sessionId, r.xid, zxid, now, OpCode.MULTI.code);
      txn = new MultiTxn(errors);
    } else {
      // A refused write, or a sync: a txn that changes nothing, committed in order, so its
      // server answers after everything before it (ZooKeeper logs refused writes the same way).
      header = new TxnHeader(r.sessionId, r.xid, zxid, now, OpCode.ERROR.code);
      txn = new ErrorTxn(r.err.code);
    }
    peer.propose(new Txn(zxid, QuorumTxns.encode(header, txn)));
  }

  /** Leader: a reconfig becomes its txn, or an error, as {@link PrepProcessor} leaves them. */
  private void prepareReconfig(QuorumPeer peer, Request r, long zxid, long now) {
    var session = sessions.get(r.sessionId);
    if (session == null || session.closing()) {
      r.err = Err.SESSIONEXPIRED;
      return;
    }
    try {
      r.txn = reconfiguration.prepare(peer, (ReconfigRequest) r.body, r.auth, zxid);
      r.txnHeader = new TxnHeader(r.sessionId, r.xid, zxid, now, OpCode.RECONFIG.code);
    } catch (KeeperError e) {
      r.err = e.err();
    }
  }

  /** The configuration a reconfig txn makes (its type read in place: it is checked per txn). */
  @Override
  public Membership membershipIn(Txn txn) {
    byte[] data = txn.data();
    if (data.length < TXN_TYPE_OFFSET + 4
        || ByteBuffer.wrap(data, TXN_TYPE_OFFSET, 4).getInt() != OpCode.RECONFIG.code) {
      return null;
    }
    SetDataTxn set = (SetDataTxn) QuorumTxns.decode(data, maxBuffer).txn();
    return Membership.parse(new String(set.getData(), StandardCharsets.UTF_8), txn.zxid());
  }

  /**
   * On the quorum thread: a configuration is committed. ZooKeeper's files follow it, and the config
   * node shows it once the final stage has applied what came before.
   */
  @Override
  public void membershipChanged(Membership committed) {
    membership = committed;
    storeMembership.accept(committed);
    showConfig(committed);
  }

  private void showConfig(Membership config) {
    byte[] text = config.toString().getBytes(StandardCharsets.UTF_8);
    finalStage.process(Request.task(() -> tree.setConfig(text, config.version())));
  }

  /** A committed txn, on the quorum thread, in zxid order. */
  @Override
  public void apply(Txn committed) {
    LoggedTxn t = QuorumTxns.decode(committed.data(), maxBuffer);
    TxnHeader h = t.header();
    List<Request> skipped = new ArrayList<>();
    synchronized (this) {
      Request mine = null;
      for (Request r : local) {
        if (!viaLeader(r) || r.committed) {
          continue;
        }
        if (r.sessionId == h.getClientId() && r.xid == h.getCxid()) {
          mine = r;
          break;
        }
        skipped.add(r);
      }
      if (mine != null) {
        // Ours commit in queue order; one still waiting before this txn was never proposed (the
        // leader lost it) and never will be, and must not hold committed txns out of the tree.
        local.removeAll(skipped);
        decide(mine, t);
      } else {
        skipped.clear();
        if (!isNoOp(t)) {
          Request theirs =
              new Request(
                  null, h.getClientId(), h.getCxid(), OpCode.of(h.getType()), null, List.of());
          theirs.txnHeader = h;
          theirs.txn = t.txn();
          if (theirs.op == OpCode.CREATE_SESSION && sessions.get(h.getClientId()) == null) {
            sessions.add(h.getClientId(), ((CreateSessionTxn) t.txn()).getTimeOut());
          }
          finalStage.process(theirs);
        }
      }
      drain();
    }
    if (!skipped.isEmpty()) {
      log.warn(
          "{} queued requests were never proposed by the leader: answered with connection loss",
          skipped.size());
      skipped.forEach(this::drop);
    }
  }

  private static boolean isNoOp(LoggedTxn t) {
    return t.header().getType() == OpCode.ERROR.code || failedMulti(t) != null;
  }

  /** The per-op results of a multi the leader refused, or null for any other txn. */
  private static List<MultiResult> failedMulti(LoggedTxn t) {
    if (t.header().getType() != OpCode.MULTI.code) {
      return null;
    }
    List<org.apache.zookeeper.txn.Txn> ops = ((MultiTxn) t.txn()).getTxns();
    if (ops.isEmpty() || ops.get(0).getType() != OpCode.ERROR.code) {
      return null;
    }
    List<MultiResult> results = new ArrayList<>(ops.size());
    for (org.apache.zookeeper.txn.Txn op : ops) {
      int err = ByteBuffer.wrap(op.getData()).getInt();
      results.add(new MultiResult(-1, err, new ErrorResponse(err)));
    }
    return results;
  }

  private static void decide(Request r, LoggedTxn t) {
    r.committed = true;
    List<MultiResult> failed = failedMulti(t);
    if (failed != null) {
      r.failedMulti = failed;
    } else if (t.header().getType() == OpCode.ERROR.code) {
      r.err = Err.of(((ErrorTxn) t.txn()).getErr());
    } else {
      r.txnHeader = t.header();
      r.txn = t.txn();
    }
  }

  /**
   * Hands the head of the local queue on while it is ready: a read, or a committed write. Under the
   * lock that also hands on other servers' txns, so the final stage gets every txn in zxid order (a
   * committed write taken off the queue by one thread and handed on after a later txn another
   * thread handed on would apply out of order, and a version check would pass twice).
   */
  private synchronized void drain() {
    List<Request> ready = new ArrayList<>();
    while (!local.isEmpty()) {
      Request head = local.peekFirst();
      if (viaLeader(head) && !head.committed) {
        break;
      }
      ready.add(local.pollFirst());
    }
    if (!ready.isEmpty()) {
      finalStage.processBatch(ready);
    }
  }

  private void refused(Request r) {
    boolean removed;
    synchronized (this) {
      removed = local.remove(r);
    }
    if (removed) {
      drop(r);
    }
  }

  private void drop(Request r) {
    if (r.cnxn != null) {
      r.cnxn.close();
    }
    replies.answered(r, Err.CONNECTIONLOSS);
  }

  /** On the quorum thread: serving starts (leader established, or learner up to date) or ends. */
  @Override
  public void servingChanged(boolean nowServing) {
    QuorumPeer peer = driver.peerForReading();
    boolean leading = nowServing && peer.state() == ServerState.LEADING;
    serving = nowServing;
    sessions.expiring(leading);
    if (!nowServing) {
      List<Request> dropped;
      synchronized (this) {
        dropped = new ArrayList<>(local);
        local.clear();
      }
      prep.forgetOutstanding();
      dropped.forEach(this::drop);
      // After the replies already queued for the final stage: the answer to a txn this server
      // committed (a reconfig that removed this leader, say) reaches its client before the close,
      // as ZooKeeper's does (its removed leader answers it and goes a tick later).
      finalStage.process(Request.task(closeClients));
      log.info(
          "not serving: {} queued requests dropped, client connections closed", dropped.size());
    } else {
      if (leading) {
        catchUp(peer);
      }
      showConfig(peer.membership());
      log.info("serving as {} at zxid 0x{}", peer.state(), Long.toHexString(peer.committedZxid()));
    }
  }

  /**
   * The tree and sessions become a snapshot's, in the final stage's turn (after every txn it was
   * already given); the quorum thread goes on.
   */
  @Override
  public void restore(long zxid, byte[] state) {
    finalStage.process(
        Request.task(() -> {
          Snapshots.Loaded loaded;
          if (zxid == 0) {
            loaded = new Snapshots.Loaded(0, new DataTree(maxBuffer), Map.of());
          } else {
            try {
              loaded = Snapshots.readFrom(new ByteArrayInputStream(state), maxBuffer);
            } catch (IOException e) {
              // Checked by the quorum snapshot's own checksum: unreadable means a format
              // disagreement, and serving a half-restored tree would fork the ensemble.
              throw new IllegalStateException(
                  "the snapshot at zxid 0x" + Long.toHexString(zxid) + " does not load", e);
            }
          }
          tree.replaceWith(loaded.tree());
          Membership config = membership;
          if (config != null) {
            tree.setConfig(config.toString().getBytes(StandardCharsets.UTF_8), config.version());
          }
          sessions.replaceAll(loaded.sessions());
          prep.forgetOutstanding();
          log.info(
              "tree restored from the snapshot at zxid 0x{}: {} znodes, {} sessions",
              Long.toHexString(zxid),
              tree.nodeCount(),
              loaded.sessions().size());
        }));
  }

  /**
   * Serializes the tree when the final stage has applied exactly up to {@code zxid}, off the quorum
   * thread, and hands the bytes back to the peer to keep as its snapshot.
   */
  @Override
  public void snapshotWanted(long zxid) {
    finalStage.process(
        Request.task(() -> {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try {
            Snapshots.writeTo(bytes, zxid, tree, sessions);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          byte[] state = bytes.toByteArray();
          driver.execute(peer -> peer.installSnapshot(zxid, state));
        }));
  }

  /**
   * A new leader prepares requests against its tree: every txn committed before it led (which this
   * prep never saw) must be applied first, or a version check would read a stale node. Waits, on
   * the quorum thread, until the final stage has run everything handed to it so far.
   */
  private void awaitApplied() {
    CountDownLatch applied = new CountDownLatch(1);
    finalStage.process(Request.task(applied::countDown));
    try {
      if (!applied.await(APPLY_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "the tree did not catch up with the committed txns within "
                + APPLY_WAIT_SECONDS
                + " s: cannot lead");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the tree caught up", e);
    }
    prep.forgetOutstanding();
  }

  private void catchUp(QuorumPeer peer) {
    if (caughtUpEpoch != peer.currentEpoch()) {
      awaitApplied();
      caughtUpEpoch = peer.currentEpoch();
    }
  }

  /** The oldest sync this server forwarded is answered: it completes in its queue's turn. */
  @Override
  public void synced() {
    synchronized (this) {
      for (Request r : local) {
        if (r.op == OpCode.SYNC && !r.committed) {
          r.committed = true;
          break;
        }
      }
    }
    drain();
  }

  /** Leader: a client resumes its session at a learner; alive sessions are kept alive. */
  @Override
  public boolean revalidate(long sessionId, int timeout) {
    var session = sessions.get(sessionId);
    return session != null && sessions.touch(session);
  }

  /**
   * Learner: the sessions its clients kept alive since the last ping, as ZooKeeper's learner
   * answers a ping (session id and timeout pairs).
   */
  @Override
  public byte[] pingPayload() {
    long[] touched = sessions.drainTouched();
    ByteBuffer buffer = ByteBuffer.allocate(touched.length * 12);
    for (long id : touched) {
      var session = sessions.get(id);
      buffer.putLong(id).putInt(session == null ? 0 : session.timeout());
    }
    return buffer.array();
  }

  /** Leader: a learner's clients kept these sessions alive (id and timeout pairs). */
  @Override
  public void pinged(int from, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    while (buffer.remaining() >= 12) {
      long id = buffer.getLong();
      buffer.getInt();
      sessions.touch(id);
    }
  }
}
