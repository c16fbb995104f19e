package dev.cairn.cache.server;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * MONITOR: clients that receive every command the server runs, one status line each, formatted as
 * Redis's replicationFeedMonitors does ({@code +1700000000.123456 [0 127.0.0.1:5678] "set" "k"
 * "v"}). Administrative commands and AUTH/HELLO (they carry passwords) are not shown.
 */
final class Monitors {
  private final Set<Client> clients = new LinkedHashSet<>();

  /** Adds a monitor; false if it already was one (Redis then replies nothing). */
  boolean contains(Client c) {
    return clients.contains(c);
  }

  boolean add(Client c) {
    return clients.add(c);
  }

  void remove(Client c) {
    clients.remove(c);
  }

  int size() {
    return clients.size();
  }

  void feed(Client from, Command cmd, byte[][] argv) {
    if (clients.isEmpty() || cmd.has(Command.Flag.ADMIN) || cmd.has(Command.Flag.NO_AUTH)) {
      return;
    }
    Instant now = Instant.now();
    StringBuilder line = new StringBuilder(64);
    line.append(now.getEpochSecond()).append('.');
    String micros = Integer.toString(now.getNano() / 1000);
    line.append("0".repeat(6 - micros.length())).append(micros);
    line.append(" [").append(from.db().id).append(' ').append(from.address()).append(']');
    for (byte[] arg : argv) {
      line.append(' ');
      repr(line, arg);
    }
    String text = line.toString();
    for (Client m : clients) {
      m.reply.simple(text);
      m.flush();
    }
  }

  /** A quoted, escaped argument, as Redis's sdscatrepr. */
  private static void repr(StringBuilder sb, byte[] arg) {
    sb.append('"');
    for (byte b : arg) {
      int c = b & 0xff;
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 7 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        default -> {
          if (c >= 32 && c < 127) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\x%02x", c));
          }
        }
      }
    }
    sb.append('"');
  }
}
