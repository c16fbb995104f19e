package dev.cairn.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log file filled with zeros ahead of its appends reads as if it ended where they do. */
class FileStorageLogTest {
  @TempDir Path dir;

  @Test
  void appendsLandAtTheLogicalEndAheadOfTheZeros() throws IOException {
    try (FileStorage storage = new FileStorage(dir)) {
      StorageFile log = storage.openLog("log");
      log.append(bytes("first "));
      log.append(bytes("second"));
      log.fsync();
      assertThat(log.size()).isEqualTo(12);
      assertThat(Files.size(dir.resolve("log"))).isGreaterThan(12);
      byte[] read = new byte[64];
      assertThat(log.read(0, read, 0, read.length)).isEqualTo(12);
      assertThat(new String(read, 0, 12, StandardCharsets.UTF_8)).isEqualTo("first second");
      assertThat(log.read(12, read, 0, read.length)).isEqualTo(-1);
    }
    byte[] onDisk = Files.readAllBytes(dir.resolve("log"));
    assertThat(new String(onDisk, 0, 12, StandardCharsets.UTF_8)).isEqualTo("first second");
    for (int i = 12; i < onDisk.length; i++) {
      assertThat(onDisk[i]).as("byte %d", i).isZero();
    }
  }

  @Test
  void truncationDropsTheZerosAndAppendsFillAgain() throws IOException {
    try (FileStorage storage = new FileStorage(dir)) {
      StorageFile log = storage.openLog("log");
      log.append(bytes("keep drop"));
      log.truncate(5);
      assertThat(Files.size(dir.resolve("log"))).isEqualTo(5);
      log.append(bytes("more"));
      assertThat(log.size()).isEqualTo(9);
      byte[] read = new byte[9];
      log.read(0, read, 0, 9);
      assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("keep more");
    }
    try (FileStorage storage = new FileStorage(dir)) {
      // Opened again, the file is as long as on disk: its reader finds the zeros.
      assertThat(storage.openLog("log").size()).isEqualTo(Files.size(dir.resolve("log")));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
