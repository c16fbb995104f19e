package dev.cairn.coord.server;

import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * A node's state as the prep stage must see it while txns that change it are still between prep and
 * apply (ZooKeeper's {@code ChangeRecord}): pipelined writes are validated against what the writes
 * before them will have done. {@code stat == null} records a pending delete.
 */
final class ChangeRecord {
  final long zxid;
  final String path;
  final Stat stat;
  int childCount;
  final List<ACL> acl;

  ChangeRecord(long zxid, String path, Stat stat, int childCount, List<ACL> acl) {
    this.zxid = zxid;
    this.path = path;
    this.stat = stat;
    this.childCount = childCount;
    this.acl = acl;
  }

  ChangeRecord duplicate(long zxid) {
    Stat copy = null;
    if (stat != null) {
      copy = new Stat();
      copy.copyFrom(stat);
    }
    return new ChangeRecord(zxid, path, copy, childCount, acl);
  }

  ChangeRecord withAcl(long zxid, List<ACL> newAcl) {
    Stat copy = new Stat();
    copy.copyFrom(stat);
    return new ChangeRecord(zxid, path, copy, childCount, newAcl);
  }
}
