package dev.cairn.cache.aof;

import dev.cairn.cache.aof.AofManifest.AofFile;
import dev.cairn.cache.rdb.RdbLoadException;
import dev.cairn.cache.rdb.RdbLoader;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Server;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a multi-part AOF as loadAppendOnlyFiles does: the base file (RDB when it starts with {@code
 * REDIS}, possibly followed by commands in an old-style preamble file; else commands), then each
 * incremental file, replaying every command through the server's handlers on a client with no
 * connection. Commands between MULTI and EXEC are queued and run at EXEC.
 *
 * <p>Failures, with Redis's rules and words:
 *
 * <ul>
 *   <li>A file that ends in the middle of a command, or inside MULTI without its EXEC, is
 *       <em>truncated</em>. With {@code aof-load-truncated yes} and the file being the last one,
 *       the file is cut at the end of the last complete command (before the MULTI), a warning
 *       logged, and loading succeeds; otherwise loading fails.
 *   <li>A byte where a command must start that is not {@code *} (nor a {@code #} annotation), a
 *       missing {@code $}, an unknown command: a format error, loading fails.
 *   <li>A file the manifest names that does not exist, or an RDB base that does not load: loading
 *       fails. (Redis would treat a truncated RDB base like a truncated command file; Cairn refuses
 *       it, a partial RDB being exactly the silent partial load to avoid.)
 * </ul>
 *
 * A failure throws {@link AofLoadException}: the cache does not start on part of its data.
 */
final class AofLoader {
  private static final Logger log = LoggerFactory.getLogger(AofLoader.class);

  /** How one file's replay ended. */
  private enum Outcome {
    OK,
    EMPTY,
    TRUNCATED
  }

  private final Server server;
  private final Path dir;
  private final boolean loadTruncated;
  private final Client client;

  AofLoader(Server server, Path dir, boolean loadTruncated) {
    this.server = server;
    this.dir = dir;
    this.loadTruncated = loadTruncated;
    this.client = server.clients.replayClient();
  }

  /** Loads every file of {@code manifest}; returns the total size loaded. */
  long load(AofManifest manifest) throws IOException {
    List<AofFile> files = manifest.loadOrder();
    long total = 0;
    for (AofFile f : files) {
      Path p = dir.resolve(f.name());
      if (!Files.exists(p)) {
        throw new AofLoadException(
            "The append log file " + p.toAbsolutePath() + " named in the manifest doesn't exist");
      }
      total += Files.size(p);
    }
    for (int i = 0; i < files.size(); i++) {
      AofFile f = files.get(i);
      boolean last = i == files.size() - 1;
      long start = System.nanoTime();
      Outcome o = loadFile(f.name(), last);
      if (o != Outcome.EMPTY) {
        log.info(
            "cache DB loaded from {} file {}: {} ms",
            f.type() == AofManifest.AofFile.BASE ? "base" : "incr",
            f.name(),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
    server.keyspace.dirty = 0;
    return total;
  }

  private Outcome loadFile(String name, boolean last) throws IOException {
    Path path = dir.resolve(name);
    long size = Files.size(path);
    if (size == 0) {
      return Outcome.EMPTY;
    }
    long commandsFrom = 0;
    byte[] sig = new byte[5];
    try (InputStream in = Files.newInputStream(path)) {
      if (in.readNBytes(sig, 0, 5) == 5 && Arrays.equals(sig, "REDIS".getBytes())) {
        try {
          RdbLoader.Result r = RdbLoader.load(path, server.keyspace, server.encodings);
          server.persistence.restoreFunctions(path, r.functions());
          commandsFrom = r.length();
        } catch (RdbLoadException e) {
          throw new AofLoadException(
              "Error reading the RDB base file "
                  + name
                  + ", AOF loading aborted: "
                  + e.getMessage(),
              e);
        }
      }
    }
    CommandReader reader = new CommandReader(path, commandsFrom);
    try (reader) {
      long validUpTo = commandsFrom;
      long validBeforeMulti = commandsFrom;
      List<byte[][]> multi = null;
      while (true) {
        byte[][] argv;
        try {
          argv = reader.next();
        } catch (EOFException truncated) {
          return truncated(name, path, last, validUpTo, "short read");
        }
        if (argv == null) {
          break;
        }
        if (server.commands.lookup(argv[0]) == null) {
          throw new AofLoadException(
              "Unknown command '"
                  + new String(argv[0], StandardCharsets.UTF_8)
                  + "' reading the append only file "
                  + name);
        }
        String verb = new String(argv[0], StandardCharsets.US_ASCII);
        if (verb.equalsIgnoreCase("multi")) {
          validBeforeMulti = validUpTo;
          multi = new ArrayList<>();
        } else if (verb.equalsIgnoreCase("exec") && multi != null) {
          for (byte[][] queued : multi) {
            server.replay(client, queued);
          }
          multi = null;
        } else if (multi != null) {
          multi.add(argv);
        } else {
          server.replay(client, argv);
        }
        validUpTo = reader.offset();
      }
      if (multi != null) {
        log.warn("cache: revert incomplete MULTI/EXEC transaction in AOF file {}", name);
        return truncated(name, path, last, validBeforeMulti, "incomplete MULTI/EXEC");
      }
    } catch (CommandReader.FormatException e) {
      throw new AofLoadException(
          "Bad file format reading the append only file "
              + name
              + " ("
              + e.getMessage()
              + "): make a backup of your AOF file, then use ./redis-check-aof --fix"
              + " <filename.manifest>");
    }
    return Outcome.OK;
  }

  private Outcome truncated(String name, Path path, boolean last, long validUpTo, String why)
      throws IOException {
    if (!loadTruncated) {
      throw new AofLoadException(
          "Unexpected end of file reading the append only file "
              + name
              + " ("
              + why
              + "). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix"
              + " <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated'"
              + " configuration option to yes and restart the server.");
    }
    if (!last) {
      throw new AofLoadException(
          "Fatal error: the truncated file " + name + " is not the last file");
    }
    log.warn(
        "cache: !!! Warning: short read while loading the AOF file {} ({}): truncating it at offset"
            + " {} (aof-load-truncated is enabled) !!!",
        name,
        why,
        validUpTo);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.truncate(validUpTo);
      ch.force(true);
    }
    return Outcome.TRUNCATED;
  }

  /**
   * Reads RESP commands ({@code *argc}, then {@code $len} and the bytes for each argument) from a
   * file, from a start offset, tracking the offset after the last complete command. {@code #} lines
   * (Redis's timestamp annotations) are skipped.
   */
  static final class CommandReader implements AutoCloseable {
    /** Input that cannot be a command: a format error, not a truncation. */
    static final class FormatException extends IOException {
      FormatException(String what, long offset) {
        super(what + " at byte offset " + offset);
      }
    }

    /** The smallest argument, {@code $0\r\n\r\n}: a count is checked against it. */
    private static final int MIN_ARG_BYTES = 6;

    private final InputStream in;
    private final long size;
    private long offset;

    CommandReader(Path path, long from) throws IOException {
      InputStream raw = Files.newInputStream(path);
      raw.skipNBytes(from);
      this.in = new BufferedInputStream(raw, 1 << 16);
      this.size = Files.size(path);
      this.offset = from;
    }

    long offset() {
      return offset;
    }

    /** The next command; null at a clean end of file; EOFException if it ends mid-command. */
    byte[][] next() throws IOException {
      int first;
      while (true) {
        first = in.read();
        if (first < 0) {
          return null;
        }
        offset++;
        if (first != '#') {
          break;
        }
        line();
      }
      if (first != '*') {
        throw new FormatException("expected '*', found byte " + first, offset - 1);
      }
      long argc = number(line());
      if (argc < 1) {
        throw new FormatException("bad argument count", offset);
      }
      if (argc > (size - offset) / MIN_ARG_BYTES) {
        // more arguments than the rest of the file can hold: it ends inside this command
        throw new EOFException();
      }
      byte[][] argv = new byte[(int) argc][];
      for (int i = 0; i < argc; i++) {
        int dollar = read();
        if (dollar != '$') {
          throw new FormatException("expected '$', found byte " + dollar, offset - 1);
        }
        long len = number(line());
        if (len < 0 || len > Integer.MAX_VALUE - 16) {
          throw new FormatException("bad argument length", offset);
        }
        if (len > size - offset) {
          throw new EOFException(); // nothing is allocated for bytes the file does not have
        }
        byte[] arg = in.readNBytes((int) len);
        offset += arg.length;
        if (arg.length < len) {
          throw new EOFException();
        }
        read();
        read();
        argv[i] = arg;
      }
      return argv;
    }

    private int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      offset++;
      return b;
    }

    /** A line up to \n (the \r before it dropped); EOF inside it is a truncation. */
    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int b = read();
        if (b == '\n') {
          break;
        }
        if (sb.length() < 128) {
          sb.append((char) b);
        }
      }
      int n = sb.length();
      return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
    }

    private long number(String s) throws FormatException {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new FormatException("bad number '" + s + "'", offset);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
