package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.tree.DataTree;
import dev.cairn.coord.tree.NodeImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.util.SerializeUtils;

/** ZooKeeper's own tree next to Cairn's: streams between them, and their comparison. */
final class ZkTrees {
  static final int MAX_BUFFER = 1 << 20;

  private ZkTrees() {}

  /** A ZooKeeper tree and the sessions its deserializer read from {@code stream}. */
  record ZooKeeperSide(org.apache.zookeeper.server.DataTree tree, Map<Long, Integer> sessions) {}

  static byte[] cairnStream(DataTree tree, Map<Long, Integer> sessions) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ZkSnapshotStream.write(BinaryOutputArchive.getArchive(bytes), tree, sessions);
    return bytes.toByteArray();
  }

  /** What a ZooKeeper learner does with the stream after a SNAP packet. */
  static ZooKeeperSide zooKeeperReads(byte[] stream) throws IOException {
    org.apache.zookeeper.server.DataTree tree = new org.apache.zookeeper.server.DataTree();
    Map<Long, Integer> sessions = new HashMap<>();
    BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(stream));
    SerializeUtils.deserializeSnapshot(tree, in, sessions);
    return new ZooKeeperSide(tree, sessions);
  }

  static Snapshots.Loaded cairnReads(byte[] stream, long zxid) throws IOException {
    return ZkSnapshotStream.read(Jute.reader(stream, MAX_BUFFER), zxid, MAX_BUFFER);
  }

  /**
   * Both trees hold the same paths, and at each the same data, ACL, persisted stat and client stat;
   * the same ephemerals per session, containers and TTL nodes. {@code exceptData}: paths whose data
   * ZooKeeper maintains locally (quota stats, recomputed by its loader).
   */
  static void assertSame(
      org.apache.zookeeper.server.DataTree zk, DataTree cairn, Set<String> exceptData)
      throws Exception {
    Set<String> cairnPaths = new HashSet<>();
    cairn.walk(n -> cairnPaths.add(n.path()));
    assertThat(paths(zk)).isEqualTo(cairnPaths);
    cairn.walk(n -> assertSameNode(zk, cairn, n, exceptData));
    Set<Long> owners = new HashSet<>(zk.getEphemerals().keySet());
    for (long owner : owners) {
      assertThat(cairn.ephemerals(owner))
          .containsExactlyInAnyOrderElementsOf(zk.getEphemerals(owner));
    }
    assertThat(cairn.ephemeralCount()).isEqualTo(zk.getEphemeralsCount());
    assertThat(cairn.containers()).containsExactlyInAnyOrderElementsOf(zk.getContainers());
    assertThat(cairn.ttls()).containsExactlyInAnyOrderElementsOf(zk.getTtls());
  }

  private static void assertSameNode(
      org.apache.zookeeper.server.DataTree zk, DataTree cairn, NodeImage n, Set<String> exceptData)
      throws IOException {
    String path = n.path();
    try {
      if (!exceptData.contains(path)) {
        assertThat(zk.getData(path, new Stat(), null)).as("data of %s", path).isEqualTo(n.data());
      }
      assertThat(zk.getACL(path, new Stat())).as("ACL of %s", path).isEqualTo(n.acl());
      assertThat(zk.getNode(path).stat)
          .as("persisted stat of %s", path)
          .isEqualTo(ZkSnapshotStream.persisted(n.stat()));
      Stat clientStat = zk.statNode(path, null);
      if (exceptData.contains(path)) {
        clientStat.setDataLength(cairn.node(path).clientStat().getDataLength());
      }
      assertThat(clientStat).as("stat of %s", path).isEqualTo(cairn.node(path).clientStat());
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      throw new AssertionError("ZooKeeper has no " + path, e);
    }
  }

  /** Every path of a ZooKeeper tree, from "/" down. */
  static Set<String> paths(org.apache.zookeeper.server.DataTree zk) throws Exception {
    Set<String> out = new HashSet<>();
    ArrayDeque<String> pending = new ArrayDeque<>();
    pending.push("/");
    while (!pending.isEmpty()) {
      String path = pending.pop();
      out.add(path);
      for (String child : zk.getChildren(path, null, null)) {
        pending.push(("/".equals(path) ? "/" : path + "/") + child);
      }
    }
    return out;
  }
}
