package dev.cairn.common.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the short host commands the harness needs ({@code nft}, {@code kill}), bounded in time. */
final class Commands {
  /** nft and kill answer in milliseconds; anything slower is a stuck host, not a slow one. */
  private static final long TIMEOUT_SECONDS = 10;

  private Commands() {}

  /**
   * Runs {@code command} with {@code stdin} as its input and returns its output; fails naming the
   * command and its output if it exits non-zero or does not finish in time.
   */
  static String run(List<String> command, String stdin) {
    Path out = null;
    try {
      // Output goes to a file so a command that never closes its output cannot block this thread.
      out = Files.createTempFile("cairn-faults-", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String output = Files.readString(out);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command + " exited " + process.exitValue() + ": " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // A leftover temp file is harmless.
        }
      }
    }
  }
}
