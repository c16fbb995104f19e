package dev.cairn.common.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.io.StorageFile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimStorageTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void syncedDataSurvivesEveryCrashAndUnsyncedDataSurvivesOnlyAsAPrefix() {
    boolean sawNothingKept = false;
    boolean sawTornPrefix = false;
    boolean sawZeroedTail = false;
    for (long seed = 0; seed < 300; seed++) {
      SimStorage storage = new SimStorage();
      StorageFile file = storage.open("log");
      file.append(bytes("synced|"));
      file.fsync();
      file.append(bytes("unsynced-tail"));
      storage.crash(new SplittableRandom(seed));

      byte[] after = storage.readAll("log");
      assertThat(Arrays.copyOf(after, 7)).isEqualTo(bytes("synced|"));
      byte[] tail = Arrays.copyOfRange(after, 7, after.length);
      byte[] written = Arrays.copyOf(bytes("unsynced-tail"), tail.length);
      assertThat(tail.length).isLessThanOrEqualTo(13);
      sawNothingKept |= tail.length == 0;
      if (Arrays.equals(tail, written)) {
        sawTornPrefix |= tail.length > 0 && tail.length < 13;
      } else {
        sawZeroedTail = true;
        assertThat(tail[tail.length - 1]).isZero();
      }
    }
    assertThat(sawNothingKept).isTrue();
    assertThat(sawTornPrefix).isTrue();
    assertThat(sawZeroedTail).isTrue();
  }

  @Test
  void atomicReplacementLeavesTheOldOrTheNewContentNeverAMix() {
    for (long seed = 0; seed < 100; seed++) {
      SimStorage storage = new SimStorage();
      storage.writeAtomically("currentEpoch", bytes("1"));
      storage.writeAtomically("currentEpoch", bytes("22"));
      storage.crash(new SplittableRandom(seed));
      assertThat(new String(storage.readAll("currentEpoch"), StandardCharsets.US_ASCII))
          .isEqualTo("22");
      assertThat(storage.list()).containsExactly("currentEpoch");
    }
  }

  @Test
  void aTruncationThatWasNotSyncedMayBeUndoneByACrash() {
    SimStorage storage = new SimStorage();
    StorageFile file = storage.open("log");
    file.append(bytes("abcdef"));
    file.fsync();
    file.truncate(3);
    assertThat(file.size()).isEqualTo(3);
    storage.crash(new SplittableRandom(1));
    assertThat(storage.readAll("log")).isEqualTo(bytes("abcdef"));
  }
}
