package dev.cairn.coord.persist;

import dev.cairn.common.io.AtomicFile;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fuzzy snapshots of the tree and the sessions in {@code dataDir}, named {@code snapshot.<zxid, 16
 * hex digits>} where zxid is the last txn applied when the walk began.
 *
 * <p>The walk runs while txns keep being applied (no stop-the-world): each node is copied under its
 * own lock, so the file holds every txn up to its zxid and possibly some later ones. Recovery
 * replays the log from that zxid on; txns carry absolute values (versions, parent cversions), so
 * re-applying one the snapshot already holds changes nothing.
 *
 * <pre>
 * file    := magic "CZSN" (int) | version 1 (int) | zxid (long)
 *            | session count (int) | (session id (long) | timeout (int))*
 *            | (1 (byte) | path (jute ustring) | data (jute buffer) | acl count (int)
 *               | (perms (int) | scheme (ustring) | id (ustring))* | Stat (jute record))*
 *            | 0 (byte) | crc32c of every byte before it (long)
 * </pre>
 *
 * A file whose checksum does not match is skipped for the next older one. Written through {@link
 * AtomicFile}: a crash mid-write leaves only a temp file, removed at the next start.
 */
public final class Snapshots {
  private static final Logger log = LoggerFactory.getLogger(Snapshots.class);
  private static final int MAGIC = 0x435a534e; // "CZSN"
  private static final int VERSION = 1;

  private Snapshots() {}

  public static String fileName(long zxid) {
    return String.format("snapshot.%016x", zxid);
  }

  /** Writes a snapshot of the tree as of {@code zxid} (its walk start); returns the file. */
  public static Path write(Path dir, long zxid, DataTree tree, SessionTracker sessions)
      throws IOException {
    Path file = dir.resolve(fileName(zxid));
    AtomicFile.write(file, raw -> writeTo(raw, zxid, tree, sessions));
    return file;
  }

  /** The snapshot's bytes: what a file holds, and what an ensemble leader sends a learner. */
  public static void writeTo(OutputStream raw, long zxid, DataTree tree, SessionTracker sessions)
      throws IOException {
    writeTo(raw, zxid, tree, sessions.timeouts());
  }

  /**
   * The bytes of a snapshot of {@code tree} with these sessions (id → timeout): also how a state
   * that arrived in another format (ZooKeeper's, {@link ZkSnapshotStream}) becomes this one.
   */
  public static void writeTo(
      OutputStream raw, long zxid, DataTree tree, Map<Long, Integer> sessions) throws IOException {
    CRC32C crc = new CRC32C();
    CheckedOutputStream checked =
        new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc);
    DataOutputStream out = new DataOutputStream(checked);
    BinaryOutputArchive jute = new BinaryOutputArchive(out);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(zxid);
    out.writeInt(sessions.size());
    for (Map.Entry<Long, Integer> s : sessions.entrySet()) {
      out.writeLong(s.getKey());
      out.writeInt(s.getValue());
    }
    tree.walk(n -> {
      out.writeByte(1);
      jute.writeString(n.path(), "path");
      jute.writeBuffer(n.data(), "data");
      out.writeInt(n.acl().size());
      for (ACL a : n.acl()) {
        out.writeInt(a.getPerms());
        jute.writeString(a.getId().getScheme(), "scheme");
        jute.writeString(a.getId().getId(), "id");
      }
      n.stat().serialize(jute, "stat");
    });
    out.writeByte(0);
    out.flush();
    long sum = crc.getValue();
    DataOutputStream tail = new DataOutputStream(checked);
    tail.writeLong(sum);
    tail.flush();
  }

  /** Snapshot files, newest first. */
  public static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().matches("snapshot\\.[0-9a-f]{16}"))
          .forEach(out::add);
    }
    out.sort((a, b) -> Long.compare(zxidOf(b), zxidOf(a)));
    return out;
  }

  public static long zxidOf(Path snapshot) {
    return Long.parseUnsignedLong(snapshot.getFileName().toString().substring(9), 16);
  }

  /** What a snapshot file holds. */
  public record Loaded(long zxid, DataTree tree, Map<Long, Integer> sessions) {}

  /** The newest snapshot whose checksum holds, or null if there is none. */
  public static Loaded loadNewest(Path dir, int maxBuffer) throws IOException {
    for (Path file : list(dir)) {
      try {
        return load(file, maxBuffer);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "snapshot {} is invalid ({}), trying an older one", file.getFileName(), e.toString());
      }
    }
    return null;
  }

  static Loaded load(Path file, int maxBuffer) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return readFrom(raw, maxBuffer);
    }
  }

  /** Reads what {@link #writeTo} wrote; fails on a bad checksum or a malformed entry. */
  public static Loaded readFrom(InputStream raw, int maxBuffer) throws IOException {
    CRC32C crc = new CRC32C();
    {
      CheckedInputStream checked = new CheckedInputStream(raw, crc);
      DataInputStream in = new DataInputStream(checked);
      BinaryInputArchive jute = new BinaryInputArchive(in, maxBuffer, 1024);
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IOException("not a snapshot");
      }
      long zxid = in.readLong();
      int sessionCount = in.readInt();
      if (sessionCount < 0) {
        throw new IOException("negative session count");
      }
      Map<Long, Integer> sessions = new java.util.HashMap<>();
      for (int i = 0; i < sessionCount; i++) {
        sessions.put(in.readLong(), in.readInt());
      }
      DataTree tree = new DataTree(maxBuffer);
      while (in.readByte() == 1) {
        String path = jute.readString("path");
        byte[] data = jute.readBuffer("data");
        int aclCount = in.readInt();
        if (aclCount < 0 || aclCount > 1_000_000) {
          throw new IOException("bad acl count " + aclCount);
        }
        List<ACL> acl = new ArrayList<>(aclCount);
        for (int i = 0; i < aclCount; i++) {
          int perms = in.readInt();
          acl.add(new ACL(perms, new Id(jute.readString("scheme"), jute.readString("id"))));
        }
        Stat stat = new Stat();
        stat.deserialize(jute, "stat");
        tree.restoreNode(path, data, acl, stat);
      }
      long expected = crc.getValue();
      long stored = new DataInputStream(raw).readLong();
      if (expected != stored) {
        throw new IOException("checksum mismatch");
      }
      tree.linkRestored();
      tree.setLastProcessedZxid(zxid);
      return new Loaded(zxid, tree, sessions);
    }
  }
}
