package dev.cairn.cache.server;

import java.util.ArrayDeque;
import java.util.Deque;

/** SLOWLOG: the newest {@code slowlog-max-len} commands that ran longer than the threshold. */
public final class SlowLog {
  /** One slow command (arguments trimmed as Redis trims them: 32 args, 128 bytes each). */
  record Entry(long id, long time, long micros, byte[][] argv, String addr, String name) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private long nextId;
  private int maxLen = 128;

  void maxLen(int maxLen) {
    this.maxLen = maxLen;
    trim();
  }

  void add(Client c, byte[][] argv, long micros) {
    int n = Math.min(argv.length, 32);
    byte[][] kept = new byte[n][];
    for (int i = 0; i < n; i++) {
      if (i == 31 && argv.length > 32) {
        kept[i] = ("... (" + (argv.length - 31) + " more arguments)").getBytes();
      } else if (argv[i].length > 128) {
        byte[] t = java.util.Arrays.copyOf(argv[i], 128);
        kept[i] =
            (new String(t, java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "... ("
                    + (argv[i].length - 128)
                    + " more bytes)")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      } else {
        kept[i] = argv[i];
      }
    }
    entries.addFirst(
        new Entry(
            nextId++,
            System.currentTimeMillis() / 1000,
            micros,
            kept,
            c.address(),
            c.name == null ? "" : c.name));
    trim();
  }

  private void trim() {
    while (entries.size() > maxLen) {
      entries.removeLast();
    }
  }

  Deque<Entry> entries() {
    return entries;
  }

  int size() {
    return entries.size();
  }

  void reset() {
    entries.clear();
  }
}
