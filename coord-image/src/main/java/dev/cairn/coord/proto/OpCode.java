package dev.cairn.coord.proto;

import java.util.Map;

/**
 * ZooKeeper's request opcodes (the {@code type} of a {@code RequestHeader}, as in {@code
 * ZooDefs.OpCode}) with the facts the server needs about each: its name for logs and whether it
 * changes state (goes through the transaction log).
 */
public enum OpCode {
  NOTIFICATION(0, false),
  CREATE(1, true),
  DELETE(2, true),
  EXISTS(3, false),
  GET_DATA(4, false),
  SET_DATA(5, true),
  GET_ACL(6, false),
  SET_ACL(7, true),
  GET_CHILDREN(8, false),
  SYNC(9, false),
  PING(11, false),
  GET_CHILDREN2(12, false),
  CHECK(13, true),
  MULTI(14, true),
  CREATE2(15, true),
  RECONFIG(16, true),
  CHECK_WATCHES(17, false),
  REMOVE_WATCHES(18, false),
  CREATE_CONTAINER(19, true),
  DELETE_CONTAINER(20, true),
  CREATE_TTL(21, true),
  MULTI_READ(22, false),
  AUTH(100, false),
  SET_WATCHES(101, false),
  SASL(102, false),
  GET_EPHEMERALS(103, false),
  GET_ALL_CHILDREN_NUMBER(104, false),
  SET_WATCHES2(105, false),
  ADD_WATCH(106, false),
  WHO_AM_I(107, false),
  CREATE_SESSION(-10, true),
  CLOSE_SESSION(-11, true),
  ERROR(-1, false);

  private static final Map<Integer, OpCode> BY_CODE;

  static {
    Map<Integer, OpCode> m = new java.util.HashMap<>();
    for (OpCode op : values()) {
      m.put(op.code, op);
    }
    BY_CODE = Map.copyOf(m);
  }

  public final int code;

  /** Whether the op is a write: prepared into a txn, logged and applied in order. */
  public final boolean write;

  OpCode(int code, boolean write) {
    this.code = code;
    this.write = write;
  }

  /** The op for {@code code}, or null when ZooKeeper defines no such op. */
  public static OpCode of(int code) {
    return BY_CODE.get(code);
  }
}
