package dev.cairn.coord.persist;

import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up state: the newest valid snapshot (or an empty tree), then every logged txn after it
 * replayed in zxid order; a torn log tail is truncated by {@link TxnLog#replay}, any other
 * unreadable log entry fails the start with a {@link CorruptLogException}. Without a snapshot of
 * Cairn's, an Apache ZooKeeper server's files in the same directories are the starting point.
 *
 * @param sessions live sessions (id → timeout) as of the last txn
 * @param hadSnapshot whether a snapshot of Cairn's was the starting point (if not, the caller takes
 *     one before it logs anything)
 * @param replayed how many txns the logs added on top of the snapshot
 */
public record Recovery(
    DataTree tree, long lastZxid, Map<Long, Integer> sessions, boolean hadSnapshot, int replayed) {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  public static Recovery run(Path dataDir, Path logDir, int maxBuffer) throws IOException {
    Files.createDirectories(dataDir);
    Files.createDirectories(logDir);
    deleteTemps(dataDir);
    Snapshots.Loaded snap = Snapshots.loadNewest(dataDir, maxBuffer);
    boolean hadSnapshot = snap != null;
    String base = snap == null ? "none" : "0x" + Long.toHexString(snap.zxid());
    int[] count = {0};
    if (snap == null && hasZooKeeperFiles(dataDir, logDir)) {
      snap = fromZooKeeper(dataDir, logDir, maxBuffer, count);
      base = "ZooKeeper's files";
    }
    DataTree tree = snap == null ? new DataTree(maxBuffer) : snap.tree();
    Map<Long, Integer> sessions = snap == null ? new HashMap<>() : new HashMap<>(snap.sessions());
    long from = snap == null ? 0 : snap.zxid();
    long last = TxnLog.replay(logDir, from, maxBuffer, applier(tree, sessions, count));
    long lastZxid = Math.max(from, last);
    tree.setLastProcessedZxid(lastZxid);
    log.info(
        "recovered to zxid 0x{}: snapshot {}, {} txns replayed, {} znodes, {} sessions",
        Long.toHexString(lastZxid),
        base,
        count[0],
        tree.nodeCount(),
        sessions.size());
    return new Recovery(tree, lastZxid, sessions, hadSnapshot, count[0]);
  }

  private static boolean hasZooKeeperFiles(Path dataDir, Path logDir) throws IOException {
    return !ZkSnapshotFile.list(dataDir).isEmpty() || !ZkTxnLog.list(logDir).isEmpty();
  }

  /**
   * First start on an Apache ZooKeeper server's dataDir and dataLogDir (the same zoo.cfg): its
   * newest snapshot and every txn its log holds after it, read once. Its files stay untouched; the
   * snapshot the caller takes next is Cairn's, and later starts read that. Cairn log files written
   * after an import (if that snapshot failed) follow on from the imported zxid.
   */
  private static Snapshots.Loaded fromZooKeeper(
      Path dataDir, Path logDir, int maxBuffer, int[] count) throws IOException {
    Snapshots.Loaded zk = ZkSnapshotFile.loadNewest(dataDir, maxBuffer);
    DataTree tree = zk == null ? new DataTree(maxBuffer) : zk.tree();
    Map<Long, Integer> sessions = zk == null ? new HashMap<>() : new HashMap<>(zk.sessions());
    long from = zk == null ? 0 : zk.zxid();
    long last = ZkTxnLog.replay(logDir, from, maxBuffer, applier(tree, sessions, count));
    long zxid = Math.max(from, last);
    tree.setLastProcessedZxid(zxid);
    log.info(
        "imported Apache ZooKeeper's data: snapshot {}, then {} logged txns, to zxid 0x{}",
        zk == null ? "none" : "0x" + Long.toHexString(from),
        count[0],
        Long.toHexString(zxid));
    return new Snapshots.Loaded(zxid, tree, sessions);
  }

  /** Applies a replayed txn to the tree and keeps the session table in step with it. */
  private static Consumer<LoggedTxn> applier(
      DataTree tree, Map<Long, Integer> sessions, int[] count) {
    return t -> {
      tree.apply(t.header(), t.txn());
      long id = t.header().getClientId();
      if (t.header().getType() == OpCode.CREATE_SESSION.code) {
        sessions.put(id, ((CreateSessionTxn) t.txn()).getTimeOut());
      } else if (t.header().getType() == OpCode.CLOSE_SESSION.code) {
        sessions.remove(id);
      }
      count[0]++;
    };
  }

  /** Temp files of snapshot writes a crash interrupted (see AtomicFile). */
  private static void deleteTemps(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().startsWith(".snapshot.")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
