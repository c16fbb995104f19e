package dev.cairn.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host commands the run check needs (tar, umoci, the clients in the network namespace). */
final class Commands {
  private Commands() {}

  /** Runs {@code command} for up to 30 s; its exit status and output (stdout and stderr). */
  static Result run(List<String> command) throws IOException {
    // A file, not a pipe: a command that hangs cannot block the read.
    Path output = Files.createTempFile("cairn-images", ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor();
      }
      String text = Files.readString(output);
      return exited ? new Result(p.exitValue(), text) : new Result(-1, "timed out: " + text);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.delete(output);
    }
  }

  /** Runs {@code command}; an exception with its output unless it exits 0. */
  static String check(String... command) throws IOException {
    Result r = run(List.of(command));
    if (r.status() != 0) {
      throw new IOException(
          String.join(" ", command) + " exited " + r.status() + ": " + r.output());
    }
    return r.output();
  }

  record Result(int status, String output) {}
}
