package dev.cairn.coord.quorum;

import java.io.IOException;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;

/**
 * How a snapshot travels on the quorum port after the SNAP packet (ZooKeeper writes its snapshot
 * stream there, not a packet): the peer's snapshot bytes put on the wire, and read back.
 */
public interface SnapshotTransfer {
  void write(long zxid, byte[] state, OutputArchive out) throws IOException;

  byte[] read(long zxid, InputArchive in) throws IOException;

  /**
   * The peer's own snapshot bytes as one jute buffer: Cairn servers understand it, ZooKeeper
   * servers do not (they expect their snapshot stream).
   */
  SnapshotTransfer OPAQUE =
      new SnapshotTransfer() {
        @Override
        public void write(long zxid, byte[] state, OutputArchive out) throws IOException {
          out.writeBuffer(state, "snapshot");
        }

        @Override
        public byte[] read(long zxid, InputArchive in) throws IOException {
          return in.readBuffer("snapshot");
        }
      };
}
