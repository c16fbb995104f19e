package dev.cairn.coord.persist;

import dev.cairn.common.io.Crc32c;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link TxnLog} file back at start-up and decides what a bad entry means.
 *
 * <p>Only the newest file can end in a torn write: older files were fsynced entry by entry before
 * the next file was started. So a bad entry (impossible length, checksum mismatch, running past the
 * end of the file) is a torn tail only when it is in the newest file and nothing but zeros (the
 * preallocation) follows it; the file is then truncated there. Anything else — a bad entry in an
 * older file, a bad entry followed by more data, data after the end of the entries, a bad header,
 * an entry whose checksum passes but which does not decode — throws {@link CorruptLogException}.
 *
 * <p>A newest file that holds nothing but zeros, or less than a header, is a start-up interrupted
 * before its header was durable: it holds no txn and is deleted.
 */
final class SegmentReader {
  private static final Logger log = LoggerFactory.getLogger(SegmentReader.class);
  private static final int SCAN_CHUNK = 64 * 1024;

  private final Path file;
  private final long firstZxid;
  private final boolean newest;
  private final int maxBuffer;

  /**
   * @param firstZxid the zxid the file name says its first txn has
   * @param newest whether this is the last file of the log, the only one a crash can tear
   */
  SegmentReader(Path file, long firstZxid, boolean newest, int maxBuffer) {
    this.file = file;
    this.firstZxid = firstZxid;
    this.newest = newest;
    this.maxBuffer = maxBuffer;
  }

  /** Feeds the txns above {@code afterZxid} to {@code sink}; returns the last zxid fed, or -1. */
  long replay(long afterZxid, Consumer<LoggedTxn> sink) throws IOException {
    long last = -1;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (newest && (size < TxnLog.HEADER || firstNonZero(ch, 0) < 0)) {
        log.warn("txn log {} holds no txn (its creation was interrupted), deleting it", name());
        ch.close();
        Files.delete(file);
        return last;
      }
      checkHeader(ch, size);
      long pos = TxnLog.HEADER;
      ByteBuffer lenCrc = ByteBuffer.allocate(8);
      while (true) {
        lenCrc.clear();
        if (readFully(ch, lenCrc, pos) < 8) {
          if (firstNonZero(ch, pos) >= 0) {
            tornOrCorrupt(ch, pos, "incomplete entry header", size);
          }
          return last;
        }
        int length = lenCrc.getInt(0);
        if (length == 0) {
          long data = firstNonZero(ch, pos);
          if (data >= 0) {
            throw new CorruptLogException(
                file, pos, "the entries end here but data follows at offset " + data);
          }
          return last;
        }
        if (length < 0 || length > maxBuffer + 1024) {
          tornOrCorrupt(ch, pos, "impossible entry length " + length, pos + 8);
          return last;
        }
        if (pos + 8 + length > size) {
          tornOrCorrupt(
              ch, pos, "entry of " + length + " bytes runs past the end of the file", size);
          return last;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, pos + 8);
        if (Crc32c.compute(payload.array()) != lenCrc.getInt(4)) {
          tornOrCorrupt(ch, pos, "checksum mismatch", pos + 8 + length);
          return last;
        }
        LoggedTxn txn = decode(payload.array(), pos);
        if (txn.header().getZxid() > afterZxid) {
          sink.accept(txn);
          last = txn.header().getZxid();
        }
        pos += 8 + length;
      }
    }
  }

  private void checkHeader(FileChannel ch, long size) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(TxnLog.HEADER);
    if (readFully(ch, head, 0) < TxnLog.HEADER) {
      throw new CorruptLogException(file, 0, "incomplete header (" + size + " bytes)");
    }
    if (head.getInt(0) != TxnLog.MAGIC || head.getInt(4) != TxnLog.VERSION) {
      throw new CorruptLogException(
          file,
          0,
          String.format(
              "bad header (magic 0x%08x, version %d; expected 0x%08x, %d)",
              head.getInt(0), head.getInt(4), TxnLog.MAGIC, TxnLog.VERSION));
    }
    if (head.getLong(8) != firstZxid) {
      throw new CorruptLogException(
          file,
          8,
          String.format(
              "header says the first zxid is 0x%x, the file name 0x%x",
              head.getLong(8), firstZxid));
    }
  }

  private LoggedTxn decode(byte[] payload, long pos) throws CorruptLogException {
    try {
      return LoggedTxn.decode(payload, maxBuffer);
    } catch (IOException e) {
      // The checksum passed: this entry was written this way, not torn.
      throw new CorruptLogException(
          file, pos, "entry passes its checksum but does not decode: " + e.getMessage());
    }
  }

  /**
   * A bad entry at {@code pos}: a torn tail, truncated there, when this is the newest file and only
   * zeros follow {@code tailFrom}; corruption otherwise.
   */
  private void tornOrCorrupt(FileChannel ch, long pos, String why, long tailFrom)
      throws IOException {
    if (!newest) {
      throw new CorruptLogException(file, pos, why + " in a log file that is not the newest");
    }
    long data = firstNonZero(ch, tailFrom);
    if (data >= 0) {
      throw new CorruptLogException(file, pos, why + ", and data follows at offset " + data);
    }
    log.warn("txn log {}: torn tail at offset {} ({}), truncating", name(), pos, why);
    ch.truncate(pos);
    ch.force(true);
  }

  /** The offset of the first non-zero byte at or after {@code from}, or -1. */
  private static long firstNonZero(FileChannel ch, long from) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(SCAN_CHUNK);
    long pos = from;
    while (true) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        return -1;
      }
      for (int i = 0; i < n; i++) {
        if (buf.get(i) != 0) {
          return pos + i;
        }
      }
      pos += n;
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private Path name() {
    return file.getFileName();
  }
}
