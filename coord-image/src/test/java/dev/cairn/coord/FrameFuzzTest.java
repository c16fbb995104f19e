package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random, truncated and oversized frames at the decoder and the jute deserialization path: the
 * server closes or answers the bad connection, never hangs, and keeps serving a healthy client. The
 * seed is printed so a failure reproduces.
 */
class FrameFuzzTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord =
      EngineExtension.of(() ->
          new CoordinatorEngine(TestCoordinators.config().set("jute.maxbuffer", 4096).build()));

  private static byte[] validCreate() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    BinaryOutputArchive a = BinaryOutputArchive.getArchive(buf);
    new RequestHeader(1, ZooDefs.OpCode.create).serialize(a, "h");
    new CreateRequest("/fuzz", new byte[] {1, 2}, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0).serialize(a, "r");
    return buf.toByteArray();
  }

  @Test
  void oversizedFrameClosesOnlyThatConnection() throws Exception {
    try (ZooKeeper healthy = TestCoordinators.connect(coord.engine());
        RawClient bad = RawClient.connect(coord.engine(), 4000)) {
      bad.out.writeInt(4097);
      bad.out.write(new byte[64]);
      bad.out.flush();
      assertThat(bad.isClosedByServer()).isTrue();
      assertThat(healthy.exists("/", false)).isNotNull();
    }
  }

  @Test
  void randomAndMutatedFramesNeverHangTheServer() throws Exception {
    long seed = System.nanoTime();
    System.out.println("FrameFuzzTest seed " + seed);
    Random rnd = new Random(seed);
    byte[] template = validCreate();
    try (ZooKeeper healthy = TestCoordinators.connect(coord.engine())) {
      for (int round = 0; round < 60; round++) {
        try (RawClient c =
            round % 3 == 0
                ? RawClient.open(coord.engine())
                : RawClient.connect(coord.engine(), 4000)) {
          // The incomplete frame of case 3 is expected to wait: a short timeout keeps the test
          // fast.
          c.socket.setSoTimeout(round % 4 == 3 ? 100 : 3000);
          DataOutputStream out = c.out;
          switch (round % 4) {
            case 0 -> { // random bytes with a plausible length
              byte[] junk = new byte[rnd.nextInt(200)];
              rnd.nextBytes(junk);
              out.writeInt(junk.length);
              out.write(junk);
            }
            case 1 -> { // a valid request with bytes flipped
              byte[] m = template.clone();
              for (int i = 0; i < 3; i++) {
                m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
              }
              out.writeInt(m.length);
              out.write(m);
            }
            case 2 -> { // a valid request cut short, then the client goes away
              int cut = 1 + rnd.nextInt(template.length - 1);
              out.writeInt(cut);
              out.write(template, 0, cut);
            }
            default -> { // a frame announcing more than it sends
              out.writeInt(template.length + 100);
              out.write(template);
            }
          }
          out.flush();
          // Either an answer or a close within the timeout; a hang would throw.
          try {
            c.in.read();
          } catch (java.net.SocketTimeoutException e) {
            // Allowed only for the "more than it sends" case: the server waits for the rest.
            assertThat(round % 4).as("seed %d round %d", seed, round).isEqualTo(3);
          } catch (IOException closed) {
            // reset by the server: fine
          }
        }
        assertThat(healthy.exists("/", false)).as("seed %d round %d", seed, round).isNotNull();
      }
    }
  }
}
