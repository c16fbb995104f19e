package dev.cairn.coord.server;

import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.MultiResult;
import dev.cairn.coord.proto.OpCode;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.txn.TxnHeader;

/**
 * One client request travelling the pipeline. The network layer fills the first fields; {@link
 * PrepProcessor} adds either a txn (header and record) or an error; {@link FinalProcessor} answers.
 */
public final class Request {
  /** The connection to answer, or null for a request the server makes itself (session expiry). */
  public final Connection cnxn;

  public final long sessionId;
  public final int xid;
  public final OpCode op;

  /** The request record (a {@code MultiRequest} for multi), or null when the op has none. */
  public final Record body;

  /** The connection's ids when the request arrived: ACL checks use these. */
  public final List<Id> auth;

  public final long receivedNanos;

  TxnHeader txnHeader;
  Record txn;
  Err err = Err.OK;

  /** Not a client's request: work the final stage runs in its turn (ensemble snapshots). */
  Runnable task;

  /** In an ensemble: the leader's decision on this write came back committed. */
  boolean committed;

  /** Per-op results of a multi that failed in prep (nothing to log). */
  List<MultiResult> failedMulti;

  /** Work for the final stage's thread, run after everything queued before it. */
  static Request task(Runnable task) {
    Request r = new Request(null, 0, 0, OpCode.ERROR, null, List.of());
    r.task = task;
    return r;
  }

  public Request(Connection cnxn, long sessionId, int xid, OpCode op, Record body, List<Id> auth) {
    this.cnxn = cnxn;
    this.sessionId = sessionId;
    this.xid = xid;
    this.op = op;
    this.body = body;
    this.auth = auth;
    this.receivedNanos = System.nanoTime();
  }
}
