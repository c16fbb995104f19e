package dev.cairn.coord.persist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Adler32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.server.persistence.FileHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache ZooKeeper's snapshot files, in {@code dataDir/version-2}, read when Cairn starts on a
 * ZooKeeper server's directories ({@link Recovery}); never written.
 *
 * <pre>
 * snapshot.&lt;zxid hex&gt;[.gz] := FileHeader{magic "ZKSN", version 2, dbid}
 *                              | {@link ZkSnapshotStream} | seal
 *                              | [ZxidDigest | seal] | [last processed zxid (long) | seal]
 * seal := adler32 of every byte before it (long) | "/" (ustring)
 * </pre>
 *
 * Only the first seal is needed: the digest and the last processed zxid after it are checks
 * ZooKeeper added later, and the zxid is the file name's, as ZooKeeper's FileSnap takes it. As
 * ZooKeeper does, a snapshot that does not read back is skipped for the next older one. A snapshot
 * compressed with snappy ({@code zookeeper.snapshot.compression.method=snappy}) is refused: Cairn
 * has no snappy reader, and skipping the newest snapshot could replay from a point the logs no
 * longer cover.
 */
final class ZkSnapshotFile {
  private static final Logger log = LoggerFactory.getLogger(ZkSnapshotFile.class);

  /** ZooKeeper's FileTxnSnapLog.version + 2: where it keeps its files under dataDir. */
  static final String VERSION_DIR = "version-2";

  private static final int MAGIC = 0x5a4b534e; // "ZKSN"
  private static final Pattern NAME =
      Pattern.compile("snapshot\\.([0-9a-fA-F]+)(\\.gz|\\.snappy)?");

  private ZkSnapshotFile() {}

  /** ZooKeeper's snapshot files in {@code dataDir}, newest first. */
  static List<Path> list(Path dataDir) throws IOException {
    Path dir = dataDir.resolve(VERSION_DIR);
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(out::add);
    }
    out.sort((a, b) -> Long.compareUnsigned(zxidOf(b), zxidOf(a)));
    return out;
  }

  static long zxidOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a ZooKeeper snapshot: " + file);
    }
    return Long.parseUnsignedLong(m.group(1), 16);
  }

  /** The newest snapshot that reads back whole, or null when there is none. */
  static Snapshots.Loaded loadNewest(Path dataDir, int maxBuffer) throws IOException {
    for (Path file : list(dataDir)) {
      if (file.getFileName().toString().endsWith(".snappy")) {
        throw new IOException(
            "ZooKeeper snapshot "
                + file
                + " is snappy-compressed, which Cairn does not read: have ZooKeeper write an"
                + " uncompressed or gzip one (zookeeper.snapshot.compression.method) first");
      }
      try {
        return load(file, maxBuffer);
      } catch (IOException | RuntimeException e) {
        log.warn("ZooKeeper snapshot {} is invalid ({}), trying an older one", file, e.toString());
      }
    }
    return null;
  }

  static Snapshots.Loaded load(Path file, int maxBuffer) throws IOException {
    long zxid = zxidOf(file);
    try (InputStream raw = Files.newInputStream(file)) {
      InputStream plain =
          file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
      CheckedInputStream checked =
          new CheckedInputStream(new BufferedInputStream(plain, 1 << 16), new Adler32());
      BinaryInputArchive in = new BinaryInputArchive(new DataInputStream(checked), maxBuffer, 1024);
      FileHeader header = new FileHeader();
      header.deserialize(in, "fileheader");
      if (header.getMagic() != MAGIC) {
        throw new IOException(
            String.format(
                "%s is not a ZooKeeper snapshot (magic 0x%08x)", file, header.getMagic()));
      }
      Snapshots.Loaded loaded = ZkSnapshotStream.read(in, zxid, maxBuffer);
      long sum = checked.getChecksum().getValue();
      long sealed = in.readLong("val");
      if (sum != sealed || !"/".equals(in.readString("path"))) {
        throw new IOException(file + " fails its checksum");
      }
      return loaded;
    }
  }
}
