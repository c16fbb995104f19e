package dev.cairn.coord.persist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.Adler32;

/**
 * Apache ZooKeeper's txn log files, in {@code dataLogDir/version-2}, replayed when Cairn starts on
 * a ZooKeeper server's directories ({@link Recovery}); never written.
 *
 * <pre>
 * log.&lt;zxid of its first txn, hex&gt; := FileHeader{magic "ZKLG", version 2, dbid} (16 bytes)
 *                                  | entry* | zeros (preallocation)
 * entry := adler32 of txn (long) | txn (jute buffer: TxnHeader | record | [TxnDigest]) | 'B'
 * </pre>
 *
 * A zero-length txn ends a file's entries (ZooKeeper preallocates with zeros). As Cairn's own log
 * ({@link SegmentReader}), only an entry cut short at the end of the newest file is a torn tail; an
 * entry cut short anywhere else, a checksum mismatch (ZooKeeper refuses those too) or a txn that
 * does not decode refuses the start with a {@link CorruptLogException}.
 */
final class ZkTxnLog {
  private static final int MAGIC = 0x5a4b4c47; // "ZKLG"
  private static final int HEADER = 16;
  private static final String PREFIX = "log.";

  private ZkTxnLog() {}

  /** ZooKeeper's log files in {@code logDir}, oldest first. */
  static List<Path> list(Path logDir) throws IOException {
    Path dir = logDir.resolve(ZkSnapshotFile.VERSION_DIR);
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.getFileName().toString().matches("log\\.[0-9a-fA-F]+")).forEach(out::add);
    }
    out.sort((a, b) -> Long.compareUnsigned(zxidOf(a), zxidOf(b)));
    return out;
  }

  private static long zxidOf(Path file) {
    return Long.parseUnsignedLong(file.getFileName().toString().substring(PREFIX.length()), 16);
  }

  /**
   * Feeds every txn above {@code afterZxid} to {@code sink}, from the newest file that starts at or
   * before it on (ZooKeeper's FileTxnLog.getLogFiles); returns the last zxid fed, or -1.
   */
  static long replay(Path logDir, long afterZxid, int maxBuffer, Consumer<LoggedTxn> sink)
      throws IOException {
    List<Path> files = list(logDir);
    int first = 0;
    for (int i = 0; i < files.size(); i++) {
      if (zxidOf(files.get(i)) <= afterZxid) {
        first = i;
      }
    }
    // A new epoch's first zxid does not follow the last one's: only a gap within one can be seen.
    long start = files.isEmpty() ? afterZxid + 1 : zxidOf(files.get(first));
    if (start > afterZxid + 1 && start >>> 32 == afterZxid >>> 32) {
      throw new CorruptLogException(
          files.get(first),
          0,
          String.format(
              "the oldest txn log starts at zxid 0x%x, the snapshot ends at 0x%x: the txns"
                  + " between them are missing",
              zxidOf(files.get(first)), afterZxid));
    }
    long last = -1;
    for (int i = first; i < files.size(); i++) {
      last =
          Math.max(
              last, replayFile(files.get(i), i == files.size() - 1, afterZxid, maxBuffer, sink));
    }
    return last;
  }

  private static long replayFile(
      Path file, boolean newest, long afterZxid, int maxBuffer, Consumer<LoggedTxn> sink)
      throws IOException {
    long last = -1;
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      try {
        if (in.readInt() != MAGIC) {
          throw new CorruptLogException(file, 0, "not a ZooKeeper txn log (bad magic)");
        }
        in.readInt(); // version
        in.readLong(); // dbid
      } catch (EOFException e) {
        if (newest) {
          return last; // ZooKeeper died before the header was written: no txn in it
        }
        throw new CorruptLogException(file, 0, "incomplete header");
      }
      long pos = HEADER;
      while (true) {
        byte[] txn;
        long crc;
        try {
          crc = in.readLong();
          int length = in.readInt();
          if (length == 0) {
            return last;
          }
          if (length < 0 || length > maxBuffer + 1024) {
            throw new CorruptLogException(file, pos, "impossible entry length " + length);
          }
          txn = new byte[length];
          in.readFully(txn);
          if (in.readByte() != 'B') {
            throw new EOFException("no end-of-record mark");
          }
        } catch (EOFException e) {
          if (newest) {
            return last; // a torn last write, as ZooKeeper treats it
          }
          throw new CorruptLogException(file, pos, "entry cut short (" + e.getMessage() + ")");
        }
        Adler32 sum = new Adler32();
        sum.update(txn);
        if (sum.getValue() != crc) {
          throw new CorruptLogException(file, pos, "checksum mismatch");
        }
        LoggedTxn decoded;
        try {
          decoded = LoggedTxn.decode(txn, maxBuffer);
        } catch (IOException e) {
          throw new CorruptLogException(file, pos, "txn does not decode: " + e.getMessage());
        }
        if (decoded.header().getZxid() > afterZxid) {
          sink.accept(decoded);
          last = decoded.header().getZxid();
        }
        pos += 8 + 4 + txn.length + 1;
      }
    }
  }
}
