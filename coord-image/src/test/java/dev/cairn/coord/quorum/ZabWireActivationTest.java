package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.CommitAndActivate;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.junit.jupiter.api.Test;

/**
 * A committed reconfiguration on ZooKeeper's wire: COMMITANDACTIVATE (8 bytes: the leader of the
 * new configuration) to followers and INFORMANDACTIVATE (that id, then the txn) to observers, as
 * ZooKeeper 3.9's {@code Leader.commitAndActivate} and {@code buildInformAndActivePacket} write
 * them — a ZooKeeper learner activates a configuration only on these — and read back as what they
 * mean.
 */
class ZabWireActivationTest {
  private static final SnapshotTransfer NO_SNAPSHOTS =
      new SnapshotTransfer() {
        @Override
        public void write(long zxid, byte[] state, OutputArchive out) {}

        @Override
        public byte[] read(long zxid, InputArchive from) {
          return new byte[0];
        }
      };

  private final Txn before = new Txn(Zxid.of(2, 1), new byte[] {1});
  private final Txn reconfig = new Txn(Zxid.of(2, 2), new byte[] {2, 2});
  private final Txn after = new Txn(Zxid.of(2, 3), new byte[] {3});

  @Test
  void aFollowerIsToldCommitAndActivateWithTheLeaderIdForTheReconfigOnly() throws Exception {
    List<QuorumPacket> packets =
        leaderSends(
            false,
            new Proposal(before),
            new Proposal(reconfig),
            new Proposal(after),
            new CommitAndActivate(reconfig.zxid(), 3),
            new Commit(after.zxid()));

    assertThat(packets.stream().map(QuorumPacket::getType))
        .containsExactly(
            ZabWire.PROPOSAL,
            ZabWire.PROPOSAL,
            ZabWire.PROPOSAL,
            ZabWire.COMMIT,
            ZabWire.COMMITANDACTIVATE,
            ZabWire.COMMIT);
    assertThat(packets.get(3).getZxid()).isEqualTo(before.zxid());
    QuorumPacket activate = packets.get(4);
    assertThat(activate.getZxid()).isEqualTo(reconfig.zxid());
    assertThat(activate.getData()).isEqualTo(ByteBuffer.allocate(8).putLong(3).array());
  }

  @Test
  void anObserverIsToldInformAndActivateWithTheLeaderIdBeforeTheTxn() throws Exception {
    List<QuorumPacket> packets =
        leaderSends(
            true,
            new Proposal(before),
            new Proposal(reconfig),
            new CommitAndActivate(reconfig.zxid(), 3));

    assertThat(packets.stream().map(QuorumPacket::getType))
        .containsExactly(ZabWire.INFORM, ZabWire.INFORMANDACTIVATE);
    assertThat(packets.get(0).getData()).isEqualTo(before.data());
    QuorumPacket activate = packets.get(1);
    assertThat(activate.getZxid()).isEqualTo(reconfig.zxid());
    assertThat(activate.getData()).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 3, 2, 2});
  }

  @Test
  void aLearnerReadsTheActivationsAndTheLeaderTheyName() throws Exception {
    ZabWire.LearnerEnd follower = new ZabWire.LearnerEnd(2, NO_SNAPSHOTS);
    List<QuorumMessage> heard = new ArrayList<>();
    for (QuorumPacket p :
        leaderSends(
            false,
            new Proposal(before),
            new Proposal(reconfig),
            new CommitAndActivate(reconfig.zxid(), 5))) {
      heard.addAll(follower.decode(p, null));
    }
    assertThat(heard)
        .containsExactly(
            new Proposal(before),
            new Proposal(reconfig),
            new Commit(before.zxid()),
            new CommitAndActivate(reconfig.zxid(), 5));

    ZabWire.LearnerEnd observer = new ZabWire.LearnerEnd(4, NO_SNAPSHOTS);
    heard.clear();
    for (QuorumPacket p :
        leaderSends(true, new Proposal(reconfig), new CommitAndActivate(reconfig.zxid(), 5))) {
      heard.addAll(observer.decode(p, null));
    }
    assertThat(heard)
        .containsExactly(new Proposal(reconfig), new CommitAndActivate(reconfig.zxid(), 5));
  }

  @Test
  void anActivationWithoutTheLeaderIdIsRefused() {
    ZabWire.LearnerEnd learner = new ZabWire.LearnerEnd(2, NO_SNAPSHOTS);
    assertThatThrownBy(() ->
            learner.decode(
                new QuorumPacket(ZabWire.COMMITANDACTIVATE, reconfig.zxid(), new byte[4], null),
                null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("leader's id");
  }

  /** What a leader's end of a connection writes for {@code messages}, as packets. */
  private static List<QuorumPacket> leaderSends(boolean observer, QuorumMessage... messages)
      throws IOException {
    ZabWire.LeaderEnd leader = new ZabWire.LeaderEnd(observer, NO_SNAPSHOTS);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryOutputArchive out = BinaryOutputArchive.getArchive(bytes);
    for (QuorumMessage m : messages) {
      leader.encode(m, 1, out);
    }
    // DataInputStream reads no further ahead than a record: available() is what is left.
    ByteArrayInputStream written = new ByteArrayInputStream(bytes.toByteArray());
    BinaryInputArchive in = BinaryInputArchive.getArchive(written);
    List<QuorumPacket> packets = new ArrayList<>();
    while (written.available() > 0) {
      QuorumPacket p = new QuorumPacket();
      in.readRecord(p, "packet");
      packets.add(p);
    }
    return packets;
  }
}
