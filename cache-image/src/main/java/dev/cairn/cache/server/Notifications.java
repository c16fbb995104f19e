package dev.cairn.cache.server;

import dev.cairn.cache.db.Database;
import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (notify-keyspace-events): the flag letters as Redis defines them, and
 * publishing {@code __keyspace@<db>__:<key>} / {@code __keyevent@<db>__:<event>} messages.
 */
final class Notifications {
  static final int KEYSPACE = 1;
  static final int KEYEVENT = 2;
  private static final String CLASSES = "g$lshzxetdmn";

  private Notifications() {}

  static int parse(String flags) {
    int f = 0;
    for (char ch : flags.toCharArray()) {
      switch (ch) {
        case 'K' -> f |= KEYSPACE;
        case 'E' -> f |= KEYEVENT;
        case 'A' -> f |= classBits("g$lshzxetd");
        default -> f |= classBits(String.valueOf(ch));
      }
    }
    // Without K or E nothing is published, as in Redis.
    return (f & (KEYSPACE | KEYEVENT)) == 0 ? 0 : f;
  }

  /**
   * The setting as Redis 7.0's keyspaceEventsFlagsToString shows it (CONFIG GET): "A" for all the
   * classes it covers, then K, E, m. As in 7.0, "n" is shown only without "A" — so when Redis puts
   * a setting back from this form, the "n" of "KEAn" is lost ({@link AdminCommands}).
   */
  static String format(String raw) {
    String all = "g$lshzxetd";
    StringBuilder classes = new StringBuilder();
    boolean everyClass = true;
    for (char ch : all.toCharArray()) {
      if (raw.indexOf(ch) >= 0 || raw.indexOf('A') >= 0) {
        classes.append(ch);
      } else {
        everyClass = false;
      }
    }
    StringBuilder sb = new StringBuilder(everyClass ? "A" : classes.toString());
    if (!everyClass && raw.indexOf('n') >= 0) {
      sb.append('n');
    }
    for (char ch : "KEm".toCharArray()) {
      if (raw.indexOf(ch) >= 0) {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static int classBits(String letters) {
    int f = 0;
    for (char ch : letters.toCharArray()) {
      int i = CLASSES.indexOf(ch);
      if (i >= 0) {
        f |= 4 << i;
      }
    }
    return f;
  }

  static void publish(Server s, int flags, Database db, byte[] key, char type, String event) {
    if ((flags & classBits(String.valueOf(type))) == 0) {
      return;
    }
    byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
    if ((flags & KEYSPACE) != 0) {
      byte[] prefix = ("__keyspace@" + db.id + "__:").getBytes(StandardCharsets.US_ASCII);
      s.pubsub.publish(concat(prefix, key), ev);
    }
    if ((flags & KEYEVENT) != 0) {
      s.pubsub.publish(
          ("__keyevent@" + db.id + "__:" + event).getBytes(StandardCharsets.UTF_8), key);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
