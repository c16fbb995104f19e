package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.FreePorts;
import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ElectionNetworkTest {
  private static final Membership THREE = TestMemberships.of(0, Set.of(1, 2, 3), Set.of());

  private record Received(int from, Notification notification) {}

  private static Notification vote(long leader) {
    return new Notification(new Vote(leader, 0, 1, 0), ServerState.LOOKING, THREE);
  }

  private static Map<Integer, InetSocketAddress> addresses() {
    return Map.of(
        1, new InetSocketAddress("127.0.0.1", FreePorts.next()),
        2, new InetSocketAddress("127.0.0.1", FreePorts.next()));
  }

  /**
   * A vote sent to a server that is not up yet reaches it as soon as it starts, whichever id is the
   * larger (the larger calls, the smaller is called back): a late server that heard nothing until
   * the next resend could see the others decide without it.
   */
  @Test
  void aVoteSentBeforeThePeerStartedArrivesWhenItStarts() throws Exception {
    for (int sender : new int[] {1, 2}) {
      int receiver = 3 - sender;
      Map<Integer, InetSocketAddress> addresses = addresses();
      BlockingQueue<Received> received = new LinkedBlockingQueue<>();
      try (ElectionNetwork early = new ElectionNetwork(sender, addresses, (f, n) -> {})) {
        early.send(receiver, vote(sender));
        Thread.sleep(300); // the sender finds nobody there
        try (ElectionNetwork late =
            new ElectionNetwork(receiver, addresses, (f, n) -> received.add(new Received(f, n)))) {
          late.send(sender, vote(receiver)); // makes the smaller one call, or be called back
          Received first = received.poll(5, TimeUnit.SECONDS);
          assertThat(first).as("server %d's vote reached server %d", sender, receiver).isNotNull();
          assertThat(first).isEqualTo(new Received(sender, vote(sender)));
        }
      }
    }
  }

  /** Both directions travel on the one connection the larger id opened, as ZooKeeper's do. */
  @Test
  void bothServersHearEachOtherOverOneConnection() throws Exception {
    Map<Integer, InetSocketAddress> addresses = addresses();
    BlockingQueue<Received> atOne = new LinkedBlockingQueue<>();
    BlockingQueue<Received> atTwo = new LinkedBlockingQueue<>();
    try (ElectionNetwork one =
            new ElectionNetwork(1, addresses, (f, n) -> atOne.add(new Received(f, n)));
        ElectionNetwork two =
            new ElectionNetwork(2, addresses, (f, n) -> atTwo.add(new Received(f, n)))) {
      // Fewer than a peer's queue holds (elections resend, so a slow peer's oldest are dropped).
      for (int i = 0; i < 10; i++) {
        one.send(2, vote(100 + i));
        two.send(1, vote(200 + i));
      }
      for (int i = 0; i < 10; i++) {
        assertThat(atTwo.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(1, vote(100 + i)));
        assertThat(atOne.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(2, vote(200 + i)));
      }
    }
  }

  /**
   * What a ZooKeeper server with a larger id does (QuorumCnxManager.startConnection): handshake
   * with protocol version, id and address, then length-prefixed notifications both ways. The
   * connection is kept and answered on, and the frames are ZooKeeper's.
   */
  @Test
  void speaksZooKeepersHandshakeAndFrames() throws Exception {
    int zkPort = FreePorts.next();
    Map<Integer, InetSocketAddress> addresses =
        Map.of(
            1, new InetSocketAddress("127.0.0.1", FreePorts.next()),
            2, new InetSocketAddress("127.0.0.1", zkPort));
    BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    try (ElectionNetwork one =
            new ElectionNetwork(1, addresses, (f, n) -> received.add(new Received(f, n)));
        Socket zk = new Socket("127.0.0.1", addresses.get(1).getPort())) {
      DataOutputStream out = new DataOutputStream(zk.getOutputStream());
      byte[] self = ("127.0.0.1:" + zkPort).getBytes(StandardCharsets.UTF_8);
      out.writeLong(-65536L);
      out.writeLong(2);
      out.writeInt(self.length);
      out.write(self);
      byte[] frame = ElectionWire.encode(vote(2));
      out.writeInt(frame.length);
      out.write(frame);
      out.flush();
      assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(2, vote(2)));

      one.send(2, vote(1));
      zk.setSoTimeout(5_000);
      DataInputStream in = new DataInputStream(zk.getInputStream());
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      // state, leader, zxid, election epoch, peer epoch, version 2, then the configuration
      assertThat(java.nio.ByteBuffer.wrap(answer).getInt(0)).isEqualTo(0);
      assertThat(java.nio.ByteBuffer.wrap(answer).getLong(4)).isEqualTo(1);
      assertThat(java.nio.ByteBuffer.wrap(answer).getInt(36)).isEqualTo(2);
      assertThat(ElectionWire.decode(answer)).isEqualTo(vote(1));
    }
  }
}
