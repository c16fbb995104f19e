package dev.cairn.e2e.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Gives each pod its own loopback address, 127.0.1.2 upwards, so every engine can use its standard
 * port (9092, 2181, 6379) as it would on a real pod IP. Linux routes all of 127/8 to the loopback
 * interface, so these addresses need no set-up. Assignments are kept in a file so a pod keeps its
 * address across restarts of the local cluster, as its data directory does.
 */
public final class PodAddresses {
  private static final int FIRST = 2;
  private static final int LAST = 254 * 256;

  private final Path file;
  private final Properties assigned = new Properties();

  public PodAddresses(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        assigned.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The address of pod {@code namespace/name}, assigned on first use. */
  public synchronized String addressOf(String namespace, String name) {
    String key = namespace + "/" + name;
    String address = assigned.getProperty(key);
    if (address == null) {
      address = format(nextFree());
      assigned.setProperty(key, address);
      save();
    }
    return address;
  }

  private int nextFree() {
    for (int n = FIRST; n < LAST; n++) {
      if (!assigned.containsValue(format(n))) {
        return n;
      }
    }
    throw new IllegalStateException("no loopback addresses left for pods");
  }

  private static String format(int n) {
    return "127.0." + (1 + n / 256) + "." + (n % 256);
  }

  private void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        assigned.store(out, "pod -> loopback address");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
