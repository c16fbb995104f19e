package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.FreePorts;
import dev.cairn.coord.quorum.QuorumMessage.Ack;
import dev.cairn.coord.quorum.QuorumMessage.AckEpoch;
import dev.cairn.coord.quorum.QuorumMessage.Commit;
import dev.cairn.coord.quorum.QuorumMessage.Diff;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.LeaderInfo;
import dev.cairn.coord.quorum.QuorumMessage.NewLeader;
import dev.cairn.coord.quorum.QuorumMessage.Ping;
import dev.cairn.coord.quorum.QuorumMessage.PingReply;
import dev.cairn.coord.quorum.QuorumMessage.Proposal;
import dev.cairn.coord.quorum.QuorumMessage.Request;
import dev.cairn.coord.quorum.QuorumMessage.UpToDate;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class PeerNetworkTest {
  /** These conversations sync by DIFF. */
  private static final SnapshotTransfer NO_SNAPSHOTS =
      new SnapshotTransfer() {
        @Override
        public void write(long zxid, byte[] state, org.apache.jute.OutputArchive out) {
          throw new AssertionError("no SNAP expected");
        }

        @Override
        public byte[] read(long zxid, org.apache.jute.InputArchive in) {
          throw new AssertionError("no SNAP expected");
        }
      };

  private record Received(int from, QuorumMessage message) {}

  /** Collects what a network delivers, as the quorum thread takes it: current links only. */
  private static final class Collector implements PeerNetwork.Handler {
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> broken = new LinkedBlockingQueue<>();
    PeerNetwork network;

    @Override
    public synchronized void received(PeerNetwork.Link link, QuorumMessage message) {
      if (network.current(link, () -> broken.add(link.peer))) {
        received.add(new Received(link.peer, message));
      }
    }

    @Override
    public synchronized void broken(PeerNetwork.Link link) {
      if (network.retire(link)) {
        broken.add(link.peer);
      }
    }

    PeerNetwork open(int id, Map<Integer, InetSocketAddress> addresses) throws Exception {
      network = new PeerNetwork("quorum", id, addresses, NO_SNAPSHOTS, this);
      return network;
    }

    QuorumMessage next() throws InterruptedException {
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a message arrives").isNotNull();
      return r.message();
    }
  }

  private static Map<Integer, InetSocketAddress> addresses() {
    return Map.of(
        1, new InetSocketAddress("127.0.0.1", FreePorts.next()),
        2, new InetSocketAddress("127.0.0.1", FreePorts.next()));
  }

  private static Membership membership(Map<Integer, InetSocketAddress> quorum) {
    return TestMemberships.of(0, new java.util.TreeSet<>(quorum.keySet()), Set.of());
  }

  /**
   * A learner's whole Zab conversation with its leader on the one connection it opened, through
   * both ends' translation to and from ZooKeeper's packets: the sync's txns arrive collected, the
   * commits the leader sends before UPTODATE say what is committed, and broadcast follows.
   */
  @Test
  void aLearnerSyncsAndFollowsOnOneConnection() throws Exception {
    Map<Integer, InetSocketAddress> addresses = addresses();
    Collector leaderSide = new Collector();
    Collector learnerSide = new Collector();
    try (PeerNetwork leader = leaderSide.open(1, addresses);
        PeerNetwork learner = learnerSide.open(2, addresses)) {
      learner.send(1, new FollowerInfo(3, false, 0x100000000L));
      assertThat(leaderSide.next()).isEqualTo(new FollowerInfo(3, false, 0x100000000L));
      leader.send(2, new LeaderInfo(4));
      assertThat(learnerSide.next()).isEqualTo(new LeaderInfo(4));
      learner.send(1, new AckEpoch(3, Zxid.of(3, 2)));
      assertThat(leaderSide.next()).isEqualTo(new AckEpoch(3, Zxid.of(3, 2)));

      Txn a = new Txn(Zxid.of(3, 3), new byte[] {1});
      Txn b = new Txn(Zxid.of(3, 4), new byte[] {2});
      leader.send(2, new Diff(List.of(a, b)));
      leader.send(2, new NewLeader(4, membership(addresses)));
      QuorumMessage diff = learnerSide.next();
      assertThat(diff).isInstanceOf(Diff.class);
      assertThat(((Diff) diff).txns()).containsExactly(a, b);
      assertThat(learnerSide.next()).isInstanceOf(NewLeader.class);
      learner.send(1, new Ack(Zxid.of(4, 0)));
      assertThat(leaderSide.next()).isEqualTo(new Ack(Zxid.of(4, 0)));
      // Only a is committed: its COMMIT comes first, then UPTODATE says everything below b.
      leader.send(2, new UpToDate(a.zxid()));
      assertThat(learnerSide.next()).isEqualTo(new Commit(a.zxid()));
      assertThat(((UpToDate) learnerSide.next()).committedZxid()).isEqualTo(b.zxid() - 1);
      leader.send(2, new Commit(b.zxid()));
      assertThat(learnerSide.next()).isEqualTo(new Commit(b.zxid()));

      Txn c = new Txn(Zxid.of(4, 1), new byte[] {3});
      leader.send(2, new Proposal(c));
      assertThat(learnerSide.next()).isEqualTo(new Proposal(c));
      leader.send(2, new Ping(c.zxid()));
      assertThat(learnerSide.next()).isEqualTo(new Ping(c.zxid()));
      byte[] touches = java.nio.ByteBuffer.allocate(12).putLong(7).putInt(3000).array();
      learner.send(1, new PingReply(c.zxid(), touches));
      PingReply reply = (PingReply) leaderSide.next();
      assertThat(reply.payload()).isEqualTo(touches);
      learner.send(1, new Request(new byte[] {9, 9}, List.of(new Id("digest", "u:p"))));
      Request request = (Request) leaderSide.next();
      assertThat(request.data()).containsExactly(9, 9);
      assertThat(request.auth()).containsExactly(new Id("digest", "u:p"));

      // The leader lets the learner go: the learner hears of the broken connection.
      leader.reset(2);
      assertThat(learnerSide.broken.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  /**
   * A learner registering with a server that does not listen yet keeps trying until it does (a
   * ZooKeeper leader opens its quorum port only once elected).
   */
  @Test
  void aRegistrationWaitsForTheLeadersPort() throws Exception {
    Map<Integer, InetSocketAddress> addresses = addresses();
    Collector leaderSide = new Collector();
    Collector learnerSide = new Collector();
    try (PeerNetwork learner = learnerSide.open(2, addresses)) {
      learner.send(1, new FollowerInfo(1, true, 0));
      Thread.sleep(300);
      try (PeerNetwork leader = leaderSide.open(1, addresses)) {
        assertThat(leaderSide.next()).isEqualTo(new FollowerInfo(1, true, 0));
        assertThat(learnerSide.broken).isEmpty();
      }
    }
  }
}
