package dev.cairn.coord.persist;

import dev.cairn.coord.quorum.SnapshotTransfer;
import java.io.IOException;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;

/**
 * SNAP on the quorum port as ZooKeeper 3.9 sends it: the peer's snapshot (Cairn's format) as
 * ZooKeeper's snapshot stream, and back, so Cairn and ZooKeeper servers sync each other whole.
 */
public record ZkSnapshotTransfer(int maxBuffer) implements SnapshotTransfer {
  @Override
  public void write(long zxid, byte[] state, OutputArchive out) throws IOException {
    if (state.length == 0) {
      // The empty history (zxid 0): no snapshot of ours, the empty tree for a learner.
      ZkSnapshotStream.write(out, new dev.cairn.coord.tree.DataTree(maxBuffer), java.util.Map.of());
      return;
    }
    ZkSnapshotStream.writeState(out, state, maxBuffer);
  }

  @Override
  public byte[] read(long zxid, InputArchive in) throws IOException {
    return ZkSnapshotStream.readAsState(in, zxid, maxBuffer);
  }
}
