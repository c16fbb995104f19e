package dev.cairn.coord.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Test access to txn log files, for tests that damage chosen bytes or take the files away. */
public final class LogFiles {
  private LogFiles() {}

  /** The offset of every entry in {@code file}, in order. */
  public static List<Long> entryOffsets(Path file) throws IOException {
    List<Long> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = TxnLog.HEADER;
      ByteBuffer len = ByteBuffer.allocate(4);
      while (true) {
        len.clear();
        if (ch.read(len, pos) < 4 || len.getInt(0) == 0) {
          return out;
        }
        out.add(pos);
        pos += 8 + len.getInt(0);
      }
    }
  }

  /** Overwrites bytes of {@code file} at {@code offset}. */
  public static void overwrite(Path file, long offset, byte... bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  /** Flips a byte in the payload of the entry at {@code entry}: its checksum no longer matches. */
  public static void damagePayload(Path file, long entry) throws IOException {
    overwrite(file, entry + 12, (byte) 0x55, (byte) 0x55);
  }

  /** Deletes a log directory and everything in it, as a disk that went away. */
  public static void deleteDirectory(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
