package dev.cairn.common.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that a crash at any moment leaves either the old content or the new one, never
 * a mix: write a temp file in the same directory, fsync it, rename it over the target, fsync the
 * directory so the rename itself is durable.
 *
 * <p>A failure before the rename deletes the temp file and leaves the target untouched. Temp files
 * are named {@code .<target>.tmp-<random>}; a crash can leave one behind, which {@link
 * #deleteStaleTemps} removes at start-up.
 */
public final class AtomicFile {
  private static final String TEMP_INFIX = ".tmp-";

  private AtomicFile() {}

  /** Writes the file's new content; may throw to abandon the replacement. */
  @FunctionalInterface
  public interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path target, byte[] content) throws IOException {
    write(target, out -> out.write(content));
  }

  public static void write(Path target, ContentWriter writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        dir.resolve(
            "."
                + target.getFileName()
                + TEMP_INFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    boolean renamed = false;
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(channel);
        writer.writeTo(out);
        out.flush();
        channel.force(true);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new java.io.InterruptedIOException("interrupted before replacing " + target);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system of " + dir + " cannot rename atomically", e);
      }
      renamed = true;
      fsyncDirectory(dir);
    } finally {
      if (!renamed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** Makes directory entries (creates, renames, deletes) in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Removes temp files a crash left behind next to {@code target}. */
  public static void deleteStaleTemps(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return;
    }
    String prefix = "." + target.getFileName() + TEMP_INFIX;
    try (var entries =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path stale : entries) {
        Files.deleteIfExists(stale);
      }
    }
  }
}
