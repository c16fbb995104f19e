package dev.cairn.coord.tree;

import dev.cairn.coord.proto.Err;
import java.util.List;
import org.apache.zookeeper.data.Stat;

/**
 * What applying one txn did: the path it touched (a sequential create's final name), the node's
 * stat after it, the error for a failed sub-op of a multi, and a multi's per-op results.
 */
public record TxnResult(int type, String path, Stat stat, Err err, List<TxnResult> multi) {
  public static TxnResult ok(int type, String path, Stat stat) {
    return new TxnResult(type, path, stat, Err.OK, null);
  }

  public static TxnResult error(int type, Err err) {
    return new TxnResult(type, null, null, err, null);
  }
}
