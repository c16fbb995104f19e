package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.proto.OpCode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The txn log's replay: order, segments, and torn tails truncated rather than served. */
class TxnLogTest {
  @TempDir Path dir;

  private static void write(TxnLog log, long from, long to) throws Exception {
    for (long z = from; z <= to; z++) {
      log.append(
          new TxnHeader(1, (int) z, z, 0, OpCode.SET_DATA.code),
          new SetDataTxn("/n", new byte[] {(byte) z}, (int) z));
    }
    log.commit();
  }

  private List<Long> replay(long after) throws Exception {
    List<Long> zxids = new ArrayList<>();
    TxnLog.replay(dir, after, 1 << 20, t -> zxids.add(t.header().getZxid()));
    return zxids;
  }

  @Test
  void replaysEverySegmentAfterTheGivenZxid() throws Exception {
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(1);
      write(log, 1, 10);
      log.roll(11);
      write(log, 11, 15);
    }
    assertThat(replay(0)).hasSize(15).isSorted();
    assertThat(replay(12)).containsExactly(13L, 14L, 15L);
  }

  @Test
  void tornTailIsTruncatedAndLaterAppendsAreReadable() throws Exception {
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(1);
      write(log, 1, 5);
    }
    Path file = dir.resolve(TxnLog.fileName(1));
    // Corrupt the payload of the last entry: its checksum no longer matches.
    long lastEntry;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long pos = TxnLog.HEADER;
      long prev = pos;
      ByteBuffer len = ByteBuffer.allocate(4);
      while (true) {
        len.clear();
        ch.read(len, pos);
        int n = len.getInt(0);
        if (n == 0) {
          break;
        }
        prev = pos;
        pos += 8 + n;
      }
      lastEntry = prev;
      ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), lastEntry + 12);
    }
    assertThat(replay(0)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(file.toFile().length()).isEqualTo(lastEntry);
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(5);
      write(log, 5, 6);
    }
    assertThat(replay(0)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }
}
