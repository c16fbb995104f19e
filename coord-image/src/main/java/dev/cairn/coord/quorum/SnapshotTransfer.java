package dev.cairn.coord.quorum;

import java.io.IOException;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;

/**
 * How a snapshot travels on the quorum port after the SNAP packet (ZooKeeper writes its snapshot
 * stream there, not a packet): the peer's snapshot bytes put on the wire, and read back. The
 * coordinator's is {@code persist.ZkSnapshotTransfer}, ZooKeeper's stream; the Zab layer never
 * looks inside.
 */
public interface SnapshotTransfer {
  void write(long zxid, byte[] state, OutputArchive out) throws IOException;

  byte[] read(long zxid, InputArchive in) throws IOException;
}
