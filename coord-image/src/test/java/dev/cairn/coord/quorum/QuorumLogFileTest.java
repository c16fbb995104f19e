package dev.cairn.coord.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.io.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum log on a real disk, whose file the storage fills with zeros ahead of the appends: a
 * restart finds exactly the txns logged, and appends after it continue the history.
 */
class QuorumLogFileTest {
  @TempDir Path dir;

  @Test
  void restartsFindTheLoggedTxnsBeforeTheZeros() {
    try (FileStorage storage = new FileStorage(dir)) {
      QuorumLog log = open(storage);
      log.append(txn(1));
      log.append(txn(2));
      log.append(txn(3));
      log.sync();
    }
    try (FileStorage storage = new FileStorage(dir)) {
      QuorumLog log = open(storage);
      assertThat(log.all()).containsExactly(txn(1), txn(2), txn(3));
      log.truncateAfter(Zxid.of(1, 2));
      log.append(txn(4));
      log.sync();
    }
    try (FileStorage storage = new FileStorage(dir)) {
      QuorumLog log = open(storage);
      assertThat(log.all()).containsExactly(txn(1), txn(2), txn(4));
      log.append(txn(5));
      log.sync();
    }
    try (FileStorage storage = new FileStorage(dir)) {
      assertThat(open(storage).all()).containsExactly(txn(1), txn(2), txn(4), txn(5));
    }
  }

  private static QuorumLog open(FileStorage storage) {
    return new QuorumLog(storage, 0, t -> null);
  }

  private static Txn txn(long counter) {
    return new Txn(Zxid.of(1, counter), ("txn " + counter).getBytes(StandardCharsets.UTF_8));
  }
}
