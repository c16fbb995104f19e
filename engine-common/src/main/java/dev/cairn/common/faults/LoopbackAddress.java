package dev.cairn.common.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * A loopback address of 127.0.1.128–127.0.1.254 held by one process of this machine, for one engine
 * process or client of a fault test. Linux routes all of 127/8 to {@code lo}, so the address needs
 * no set-up, and engines on different addresses can all use their standard ports.
 *
 * <p>The holder is exclusive, which is what keeps partition rules on the address from touching
 * anything else: a lock file per address under {@code java.io.tmpdir/cairn-faults/} (the kernel
 * releases it when the JVM dies, however it dies), and an address any socket of this machine still
 * uses ({@code /proc/net/tcp}, {@code tcp6}) is skipped. The range starts at .128 because the local
 * cluster ({@code ./cairn up}, e2e) gives pods 127.0.1.2 upwards.
 */
public final class LoopbackAddress implements AutoCloseable {
  static final int FIRST_HOST = 128;
  static final int LAST_HOST = 254;
  private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "cairn-faults");
  private static final String IPV4_MAPPED = "0000000000000000FFFF0000";

  private final InetAddress address;
  private final FileChannel lock;

  private LoopbackAddress(InetAddress address, FileChannel lock) {
    this.address = address;
    this.lock = lock;
  }

  /** Takes the first address of the range no one holds or uses. */
  public static LoopbackAddress acquire() {
    try {
      Files.createDirectories(LOCKS);
      Set<String> used = inUse(socketTable("/proc/net/tcp") + socketTable("/proc/net/tcp6"));
      for (int host = FIRST_HOST; host <= LAST_HOST; host++) {
        String candidate = "127.0.1." + host;
        if (used.contains(candidate)) {
          continue;
        }
        FileChannel channel =
            FileChannel.open(
                LOCKS.resolve(candidate + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        if (tryLock(channel)) {
          return new LoopbackAddress(InetAddress.getByName(candidate), channel);
        }
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take a loopback address", e);
    }
    throw new IllegalStateException(
        "every address of 127.0.1." + FIRST_HOST + "-" + LAST_HOST + " is held or in use");
  }

  public InetAddress address() {
    return address;
  }

  @Override
  public void close() {
    try {
      lock.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release " + address.getHostAddress(), e);
    }
  }

  @Override
  public String toString() {
    return address.getHostAddress();
  }

  private static boolean tryLock(FileChannel channel) throws IOException {
    try {
      FileLock held = channel.tryLock();
      return held != null;
    } catch (OverlappingFileLockException heldByThisJvm) {
      return false;
    }
  }

  private static String socketTable(String file) throws IOException {
    Path path = Path.of(file);
    return Files.isReadable(path) ? Files.readString(path) : "";
  }

  /**
   * The IPv4 addresses, dotted, at either end of the sockets of a {@code /proc/net/tcp} or {@code
   * tcp6} table: fields 2 and 3 are {@code address:port} in hex, the address as the kernel holds it
   * (network order read as a little-endian word), IPv4-mapped in tcp6.
   */
  static Set<String> inUse(String table) {
    Set<String> used = new HashSet<>();
    for (String line : table.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 3 || !fields[0].endsWith(":")) {
        continue;
      }
      for (int i = 1; i <= 2; i++) {
        String hex = fields[i].substring(0, fields[i].indexOf(':'));
        if (hex.length() == 32 && hex.startsWith(IPV4_MAPPED)) {
          hex = hex.substring(IPV4_MAPPED.length());
        }
        if (hex.length() == 8) {
          int word = Integer.parseUnsignedInt(hex, 16);
          used.add(
              (word & 0xff)
                  + "."
                  + (word >>> 8 & 0xff)
                  + "."
                  + (word >>> 16 & 0xff)
                  + "."
                  + (word >>> 24));
        }
      }
    }
    return used;
  }
}
