package dev.cairn.coord.persist;

import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up state: the newest valid snapshot (or an empty tree), then every logged txn after it
 * replayed in zxid order; a torn log tail is truncated by {@link TxnLog#replay}, any other
 * unreadable log entry fails the start with a {@link CorruptLogException}.
 *
 * @param sessions live sessions (id → timeout) as of the last txn
 * @param replayed how many txns the log added on top of the snapshot
 */
public record Recovery(
    DataTree tree, long lastZxid, Map<Long, Integer> sessions, boolean hadSnapshot, int replayed) {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  public static Recovery run(Path dataDir, Path logDir, int maxBuffer) throws IOException {
    Files.createDirectories(dataDir);
    Files.createDirectories(logDir);
    deleteTemps(dataDir);
    Snapshots.Loaded snap = Snapshots.loadNewest(dataDir, maxBuffer);
    DataTree tree = snap == null ? new DataTree(maxBuffer) : snap.tree();
    Map<Long, Integer> sessions = snap == null ? new HashMap<>() : new HashMap<>(snap.sessions());
    long from = snap == null ? 0 : snap.zxid();
    int[] count = {0};
    long last =
        TxnLog.replay(
            logDir,
            from,
            maxBuffer,
            t -> {
              tree.apply(t.header(), t.txn());
              long id = t.header().getClientId();
              if (t.header().getType() == OpCode.CREATE_SESSION.code) {
                sessions.put(id, ((CreateSessionTxn) t.txn()).getTimeOut());
              } else if (t.header().getType() == OpCode.CLOSE_SESSION.code) {
                sessions.remove(id);
              }
              count[0]++;
            });
    long lastZxid = Math.max(from, last);
    tree.setLastProcessedZxid(lastZxid);
    log.info(
        "recovered to zxid 0x{}: snapshot {}, {} txns replayed, {} znodes, {} sessions",
        Long.toHexString(lastZxid),
        snap == null ? "none" : "0x" + Long.toHexString(snap.zxid()),
        count[0],
        tree.nodeCount(),
        sessions.size());
    return new Recovery(tree, lastZxid, sessions, snap != null, count[0]);
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
