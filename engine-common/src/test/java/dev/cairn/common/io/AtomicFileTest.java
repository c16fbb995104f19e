package dev.cairn.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void replacesTheContentWhole() throws IOException {
    Path file = dir.resolve("snapshot");
    AtomicFile.write(file, bytes("first"));
    AtomicFile.write(file, bytes("second, longer"));
    assertThat(Files.readString(file)).isEqualTo("second, longer");
    assertThat(filesIn(dir)).containsExactly("snapshot");
  }

  @Test
  void failedWriterLeavesTheOldFileIntactAndNoTemp() throws IOException {
    Path file = dir.resolve("snapshot");
    AtomicFile.write(file, bytes("good"));
    assertThatThrownBy(() ->
            AtomicFile.write(
                file,
                out -> {
                  out.write(bytes("half-writ"));
                  throw new IOException("disk full");
                }))
        .hasMessage("disk full");
    assertThat(Files.readString(file)).isEqualTo("good");
    assertThat(filesIn(dir)).containsExactly("snapshot");
  }

  @Test
  void interruptBeforeRenameLeavesTheOldFileIntact() throws IOException {
    Path file = dir.resolve("snapshot");
    AtomicFile.write(file, bytes("good"));
    try {
      assertThatThrownBy(() ->
              AtomicFile.write(
                  file,
                  out -> {
                    out.write(bytes("new content"));
                    Thread.currentThread().interrupt();
                  }))
          .isInstanceOf(IOException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.readString(file)).isEqualTo("good");
    assertThat(filesIn(dir)).containsExactly("snapshot");
  }

  @Test
  void staleTempsFromACrashAreRemoved() throws IOException {
    Path file = dir.resolve("snapshot");
    AtomicFile.write(file, bytes("good"));
    Files.writeString(dir.resolve(".snapshot.tmp-deadbeef"), "torn");
    Files.writeString(dir.resolve("other"), "keep");
    AtomicFile.deleteStaleTemps(file);
    assertThat(filesIn(dir)).containsExactlyInAnyOrder("snapshot", "other");
  }

  @Test
  void createsMissingParentDirectories() throws IOException {
    Path file = dir.resolve("a/b/state");
    AtomicFile.write(file, bytes("x"));
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toArray(String[]::new);
    }
  }
}
