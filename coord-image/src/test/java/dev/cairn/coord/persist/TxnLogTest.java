package dev.cairn.coord.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.coord.proto.OpCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The txn log's replay: order, segments, torn tails of the newest file truncated, and every other
 * unreadable entry refused with its file and offset.
 */
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

  /** One file, log.1, holding txns 1 to 5 (one commit each, as a server under light load). */
  private Path fiveTxns() throws Exception {
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(1);
      for (long z = 1; z <= 5; z++) {
        write(log, z, z);
      }
    }
    return dir.resolve(TxnLog.fileName(1));
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
    Path file = fiveTxns();
    long lastEntry = LogFiles.entryOffsets(file).get(4);
    LogFiles.damagePayload(file, lastEntry);

    assertThat(replay(0)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(file.toFile().length()).isEqualTo(lastEntry);
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(5);
      write(log, 5, 6);
    }
    assertThat(replay(0)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void entryCutShortByTheCrashIsATornTail() throws Exception {
    Path file = fiveTxns();
    long lastEntry = LogFiles.entryOffsets(file).get(4);
    // The length made it to disk, the payload did not: zeros where it should be.
    LogFiles.overwrite(file, lastEntry + 8, new byte[20]);

    assertThat(replay(0)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(file.toFile().length()).isEqualTo(lastEntry);
  }

  @Test
  void badChecksumInTheMiddleRefusesWithFileAndOffset() throws Exception {
    Path file = fiveTxns();
    long third = LogFiles.entryOffsets(file).get(2);
    long size = file.toFile().length();
    LogFiles.damagePayload(file, third);

    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("offset " + third)
        .hasMessageContaining("checksum mismatch");
    assertThat(file.toFile().length()).as("nothing truncated").isEqualTo(size);
  }

  @Test
  void impossibleLengthInTheMiddleRefuses() throws Exception {
    Path file = fiveTxns();
    long second = LogFiles.entryOffsets(file).get(1);
    LogFiles.overwrite(file, second, (byte) 0x7f, (byte) 0, (byte) 0, (byte) 0);

    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("offset " + second)
        .hasMessageContaining("impossible entry length");
  }

  @Test
  void zeroedLengthWithEntriesAfterItRefuses() throws Exception {
    Path file = fiveTxns();
    List<Long> entries = LogFiles.entryOffsets(file);
    LogFiles.overwrite(file, entries.get(3), new byte[4]);

    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("offset " + entries.get(3))
        .hasMessageContaining("the entries end here but data follows");
  }

  @Test
  void badLastEntryOfAnOlderFileRefuses() throws Exception {
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(1);
      write(log, 1, 5);
      log.roll(6);
      write(log, 6, 8);
    }
    Path older = dir.resolve(TxnLog.fileName(1));
    long last = LogFiles.entryOffsets(older).get(4);
    LogFiles.damagePayload(older, last);

    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(older.toString())
        .hasMessageContaining("offset " + last)
        .hasMessageContaining("not the newest");
  }

  @Test
  void badHeaderRefusesInsteadOfSkippingTheFile() throws Exception {
    Path file = fiveTxns();
    LogFiles.overwrite(file, 0, (byte) 'X');

    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("offset 0: bad header");
  }

  @Test
  void newestFileWhoseCreationWasInterruptedIsDeleted() throws Exception {
    try (TxnLog log = new TxnLog(dir, true)) {
      log.roll(1);
      write(log, 1, 3);
    }
    Path empty = dir.resolve(TxnLog.fileName(4));
    Files.write(empty, new byte[4096]);

    assertThat(replay(0)).containsExactly(1L, 2L, 3L);
    assertThat(empty).doesNotExist();
  }
}
