package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.tree.DataTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.OutputArchive;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;

/**
 * Streams that are cut short, lie about a count or a length, or break the tree's structure: each
 * fails with a {@link CorruptSnapshotException} saying what was being read, and never allocates
 * what a length field claims.
 */
class ZkSnapshotStreamCorruptionTest {
  private static final List<ACL> ALICE =
      List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "alice:hash")));

  /** A stream written for ZooKeeper by hand, one field at a time. */
  private interface Fields {
    void write(OutputArchive out) throws IOException;
  }

  private static byte[] stream(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    fields.write(BinaryOutputArchive.getArchive(bytes));
    return bytes.toByteArray();
  }

  private static void node(OutputArchive out, String path, long aclRef, long owner)
      throws IOException {
    out.writeString(path, "path");
    out.writeBuffer(new byte[] {1, 2}, "data");
    out.writeLong(aclRef, "acl");
    new StatPersisted(1, 1, 0, 0, 0, 0, 0, owner, 1).serialize(out, "statpersisted");
  }

  /** No sessions, no ACLs, the root: what the broken nodes of a test follow. */
  private static void rootOnly(OutputArchive out) throws IOException {
    out.writeInt(0, "count");
    out.writeInt(0, "map");
    node(out, "", -1, 0);
  }

  private static byte[] validStream() throws IOException {
    DataTree tree = new DataTree(ZkTrees.MAX_BUFFER);
    long zxid = 1;
    for (String path : List.of("/a", "/a/b", "/c")) {
      tree.apply(
          new TxnHeader(9, 1, zxid, 0, OpCode.CREATE.code),
          new CreateTxn(path, bytes(path), ALICE, "/c".equals(path), (int) zxid++));
    }
    return ZkTrees.cairnStream(tree, Map.of(9L, 4_000, 10L, 6_000));
  }

  private static Snapshots.Loaded read(byte[] stream, int maxBuffer) throws IOException {
    return ZkSnapshotStream.read(Jute.reader(stream, maxBuffer), 1, maxBuffer);
  }

  @Test
  void everyTruncationFailsSayingWhereTheStreamEnds() throws Exception {
    byte[] whole = validStream();
    assertThat(read(whole, ZkTrees.MAX_BUFFER).tree().node("/a/b")).isNotNull();
    for (int length = 0; length < whole.length; length++) {
      byte[] cut = Arrays.copyOf(whole, length);
      assertThatThrownBy(() -> read(cut, ZkTrees.MAX_BUFFER))
          .as("cut at %d of %d bytes", length, whole.length)
          .isInstanceOf(CorruptSnapshotException.class)
          .hasMessageContaining("the stream ends while reading");
    }
    assertThatThrownBy(() -> read(Arrays.copyOf(whole, whole.length - 5), ZkTrees.MAX_BUFFER))
        .hasMessageContaining("the path after node 7 (/");
  }

  @Test
  void aHugeCountRunsIntoTheEndOfTheStreamInsteadOfAllocating() throws Exception {
    byte[] sessions = stream(out -> out.writeInt(Integer.MAX_VALUE, "count"));
    assertThatThrownBy(() -> read(sessions, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("ends while reading session 1");
    byte[] acls =
        stream(out -> {
          out.writeInt(0, "count");
          out.writeInt(Integer.MAX_VALUE, "map");
          out.writeLong(1, "long");
          out.writeInt(Integer.MAX_VALUE, "acls");
        });
    assertThatThrownBy(() -> read(acls, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("ends while reading ACL list 1");
  }

  @Test
  void anAclListLongerThanAnyRequestIsRefused() throws Exception {
    int maxBuffer = 1_200; // at most 100 ACLs of 12 bytes fit in one request
    byte[] acls =
        stream(out -> {
          out.writeInt(0, "count");
          out.writeInt(1, "map");
          out.writeLong(1, "long");
          out.writeInt(101, "acls");
          for (int i = 0; i < 101; i++) {
            new ACL(1, new Id("", "")).serialize(out, "acl");
          }
        });
    assertThatThrownBy(() -> read(acls, maxBuffer))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("longer than any request");
  }

  @Test
  void aLengthBeyondMaxBufferIsRefusedBeforeAllocating() throws Exception {
    byte[] path =
        stream(out -> {
          out.writeInt(0, "count");
          out.writeInt(0, "map");
          out.writeInt(Integer.MAX_VALUE, "path length");
        });
    assertThatThrownBy(() -> read(path, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("reading the root's path")
        .hasMessageContaining("Unreasonable length");
    byte[] data =
        stream(out -> {
          out.writeInt(0, "count");
          out.writeInt(0, "map");
          out.writeString("", "path");
          out.writeInt(ZkTrees.MAX_BUFFER * 64, "data length");
        });
    assertThatThrownBy(() -> read(data, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("reading node 1 (/)")
        .hasMessageContaining("Unreasonable length");
    byte[] negative = stream(out -> out.writeInt(-2, "count"));
    assertThatThrownBy(() -> read(negative, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void aBrokenTreeIsRefused() throws Exception {
    assertRefused(
        "comes before its parent /x",
        out -> {
          rootOnly(out);
          node(out, "/x/y", -1, 0);
        });
    assertRefused(
        "refers to ACL 7, not in the stream",
        out -> {
          out.writeInt(0, "count");
          out.writeInt(1, "map");
          out.writeLong(1, "long");
          out.writeInt(0, "acls");
          node(out, "", 7, 0);
          out.writeString("/", "path");
        });
    assertRefused(
        "the first node is \"/a\", not the root",
        out -> {
          out.writeInt(0, "count");
          out.writeInt(0, "map");
          node(out, "/a", -1, 0);
        });
    assertRefused(
        "ACL list 3 is null",
        out -> {
          out.writeInt(0, "count");
          out.writeInt(1, "map");
          out.writeLong(3, "long");
          out.writeInt(-1, "acls");
        });
    assertRefused(
        "ACL ref 3 appears twice",
        out -> {
          out.writeInt(0, "count");
          out.writeInt(2, "map");
          for (int i = 0; i < 2; i++) {
            out.writeLong(3, "long");
            out.writeInt(0, "acls");
          }
        });
    assertRefused(
        "unknown extended ephemeralOwner 0xff00010000000000",
        out -> {
          rootOnly(out);
          node(out, "/odd", -1, 0xFF00_0100_0000_0000L);
        });
    assertRefused(
        "node path \"a\" is not absolute",
        out -> {
          rootOnly(out);
          node(out, "a", -1, 0);
        });
  }

  private static void assertRefused(String why, Fields fields) throws IOException {
    byte[] bad = stream(fields);
    assertThatThrownBy(() -> read(bad, ZkTrees.MAX_BUFFER))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining(why);
  }

  /** Flipped bytes anywhere: the read succeeds or fails as corrupt, never any other way. */
  @Test
  void randomDamageOnlyEverFailsAsCorrupt() throws Exception {
    byte[] whole = validStream();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int failed = 0;
    for (int run = 0; run < 5_000; run++) {
      byte[] damaged = whole.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      }
      try {
        read(damaged, ZkTrees.MAX_BUFFER);
      } catch (CorruptSnapshotException e) {
        failed++;
      } catch (Throwable e) {
        throw new AssertionError("seed " + seed + ", run " + run + ": " + e, e);
      }
    }
    assertThat(failed).as("seed %d", seed).isGreaterThan(1_000);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
