package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots: a corrupt newest file falls back to the previous one; purge keeps what replay needs.
 */
class SnapshotterTest {
  @TempDir Path dir;

  @Test
  void purgeKeepsTheNewestSnapshotsAndTheLogsAfterTheOldestKept() throws Exception {
    DataTree tree = new DataTree(1 << 20);
    SessionTracker sessions = new SessionTracker(1000, 0, System::currentTimeMillis);
    try (TxnLog log = new TxnLog(dir, false)) {
      for (long zxid : new long[] {0, 10, 20, 30, 40}) {
        log.roll(zxid + 1);
        tree.setLastProcessedZxid(zxid);
        Snapshots.write(dir, zxid, tree, sessions);
      }
    }
    try (Snapshotter s = new Snapshotter(dir, dir, tree, sessions)) {
      s.purge(3);
    }
    assertThat(Snapshots.list(dir)).extracting(Snapshots::zxidOf).containsExactly(40L, 30L, 20L);
    // Replaying after snapshot 20 needs log.21 on: older segments go.
    assertThat(TxnLog.segments(dir))
        .extracting(TxnLog.Segment::firstZxid)
        .containsExactly(21L, 31L, 41L);
  }

  @Test
  void corruptNewestSnapshotFallsBackToTheOlderOne() throws Exception {
    DataTree tree = new DataTree(1 << 20);
    SessionTracker sessions = new SessionTracker(1000, 0, System::currentTimeMillis);
    tree.setLastProcessedZxid(5);
    Snapshots.write(dir, 5, tree, sessions);
    Path newest = Snapshots.write(dir, 9, tree, sessions);
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(newest, bytes);
    assertThat(Snapshots.loadNewest(dir, 1 << 20).zxid()).isEqualTo(5);
  }
}
