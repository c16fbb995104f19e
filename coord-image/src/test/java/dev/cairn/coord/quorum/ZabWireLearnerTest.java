package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.quorum.QuorumMessage.Snap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.junit.jupiter.api.Test;

class ZabWireLearnerTest {
  /**
   * A ZooKeeper leader writes SNAP with its tree's last processed zxid after it queued the
   * proposals since the learner's sync point (seen in a mixed ensemble: SNAP at 0x...616, then
   * proposals from 0x...602): those are in the snapshot already; only later ones follow it.
   */
  @Test
  void proposalsAZooKeeperLeaderQueuedBeforeItsSnapshotZxidAreNotReplayed() throws Exception {
    long snapZxid = Zxid.of(2, 0x616);
    ByteArrayOutputStream afterSnap = new ByteArrayOutputStream();
    BinaryOutputArchive.getArchive(afterSnap).writeString(ZabWire.SIGNATURE, "signature");
    InputArchive in =
        BinaryInputArchive.getArchive(new ByteArrayInputStream(afterSnap.toByteArray()));
    SnapshotTransfer noState =
        new SnapshotTransfer() {
          @Override
          public void write(long zxid, byte[] state, OutputArchive out) {}

          @Override
          public byte[] read(long zxid, InputArchive from) {
            return new byte[] {1};
          }
        };
    ZabWire.LearnerEnd learner = new ZabWire.LearnerEnd(3, noState);

    List<QuorumMessage> out = new ArrayList<>();
    out.addAll(learner.decode(new QuorumPacket(ZabWire.SNAP, snapZxid, null, null), in));
    for (long counter : new long[] {0x602, 0x610, 0x616, 0x617, 0x618}) {
      out.addAll(
          learner.decode(
              new QuorumPacket(ZabWire.PROPOSAL, Zxid.of(2, counter), new byte[] {2}, null), in));
    }
    byte[] config = "server.1=h:1:2;3\nversion=0".getBytes(StandardCharsets.UTF_8);
    out.addAll(
        learner.decode(new QuorumPacket(ZabWire.NEWLEADER, Zxid.of(2, 0), config, null), in));

    Snap snap = (Snap) out.getFirst();
    assertThat(snap.zxid()).isEqualTo(snapZxid);
    assertThat(snap.txns().stream().map(Txn::zxid))
        .containsExactly(Zxid.of(2, 0x617), Zxid.of(2, 0x618));
  }
}
