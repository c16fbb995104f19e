package dev.cairn.coord.proto;

/**
 * ZooKeeper's error codes ({@code KeeperException.Code}), sent in {@code ReplyHeader.err} and in
 * multi results. Only the codes this server produces are listed.
 */
public enum Err {
  OK(0),
  SYSTEMERROR(-1),
  RUNTIMEINCONSISTENCY(-2),
  CONNECTIONLOSS(-4),
  MARSHALLINGERROR(-5),
  UNIMPLEMENTED(-6),
  BADARGUMENTS(-8),
  NEWCONFIGNOQUORUM(-13),
  RECONFIGINPROGRESS(-14),
  UNKNOWNSESSION(-12),
  NONODE(-101),
  NOAUTH(-102),
  BADVERSION(-103),
  NOCHILDRENFOREPHEMERALS(-108),
  NODEEXISTS(-110),
  NOTEMPTY(-111),
  SESSIONEXPIRED(-112),
  INVALIDACL(-114),
  AUTHFAILED(-115),
  NOWATCHER(-121),
  RECONFIGDISABLED(-123);

  public final int code;

  Err(int code) {
    this.code = code;
  }

  /** The error with this code (from a committed error txn); SYSTEMERROR for one not listed. */
  public static Err of(int code) {
    for (Err e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return SYSTEMERROR;
  }
}
