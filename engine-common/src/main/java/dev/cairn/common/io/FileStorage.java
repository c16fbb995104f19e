package dev.cairn.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@link Storage} in a directory of the file system. Open files are kept open until deleted,
 * renamed over or {@link #close() closed}.
 */
public final class FileStorage implements Storage, AutoCloseable {
  private final Path dir;
  private final Map<String, ChannelFile> open = new HashMap<>();

  public FileStorage(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized StorageFile open(String name) {
    return open.computeIfAbsent(name, n -> new ChannelFile(resolve(n)));
  }

  @Override
  public boolean exists(String name) {
    return Files.exists(resolve(name));
  }

  @Override
  public List<String> list() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void delete(String name) {
    closeOpen(name);
    try {
      if (Files.deleteIfExists(resolve(name))) {
        syncDirectory();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void rename(String from, String to) {
    closeOpen(from);
    closeOpen(to);
    try {
      Files.move(
          resolve(from),
          resolve(to),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    for (String name : List.copyOf(open.keySet())) {
      closeOpen(name);
    }
  }

  private Path resolve(String name) {
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("not a plain file name: '" + name + "'");
    }
    return dir.resolve(name);
  }

  private void closeOpen(String name) {
    ChannelFile file = open.remove(name);
    if (file != null) {
      file.close();
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static final class ChannelFile implements StorageFile {
    private final Path path;
    private final FileChannel channel;

    ChannelFile(Path path) {
      this.path = path;
      try {
        channel =
            FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + path, e);
      }
    }

    @Override
    public synchronized long size() {
      try {
        return channel.size();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the size of " + path, e);
      }
    }

    @Override
    public synchronized void append(byte[] bytes, int offset, int length) {
      try {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        long position = channel.size();
        while (buffer.hasRemaining()) {
          position += channel.write(buffer, position);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to " + path, e);
      }
    }

    @Override
    public synchronized int read(long position, byte[] into, int offset, int length) {
      try {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
        int total = 0;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, position + total);
          if (n < 0) {
            return total == 0 ? -1 : total;
          }
          total += n;
        }
        return total;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }

    @Override
    public synchronized void truncate(long size) {
      try {
        channel.truncate(size);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot truncate " + path, e);
      }
    }

    @Override
    public synchronized void fsync() {
      try {
        channel.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot fsync " + path, e);
      }
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + path, e);
      }
    }
  }
}
