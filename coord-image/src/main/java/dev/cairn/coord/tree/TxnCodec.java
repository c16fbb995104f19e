package dev.cairn.coord.tree;

import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.OpCode;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.CheckVersionTxn;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.SetDataTxn;

/** Which jute txn record each txn type carries (the log and multi sub-txns are typed by opcode). */
public final class TxnCodec {
  private TxnCodec() {}

  public static Supplier<Record> recordFor(int type) throws IOException {
    OpCode op = OpCode.of(type);
    if (op == null) {
      throw new IOException("unknown txn type " + type);
    }
    return switch (op) {
      case CREATE, CREATE2 -> CreateTxn::new;
      case CREATE_CONTAINER -> CreateContainerTxn::new;
      case CREATE_TTL -> CreateTTLTxn::new;
      case DELETE, DELETE_CONTAINER -> DeleteTxn::new;
      case SET_DATA, RECONFIG -> SetDataTxn::new;
      case SET_ACL -> SetACLTxn::new;
      case CHECK -> CheckVersionTxn::new;
      case MULTI -> MultiTxn::new;
      case CREATE_SESSION -> CreateSessionTxn::new;
      case CLOSE_SESSION -> CloseSessionTxn::new;
      case ERROR -> ErrorTxn::new;
      default -> throw new IOException("not a txn type: " + op);
    };
  }

  public static Record read(int type, byte[] bytes, int maxBuffer) throws IOException {
    return Jute.fromBytes(bytes, recordFor(type).get(), maxBuffer);
  }
}
