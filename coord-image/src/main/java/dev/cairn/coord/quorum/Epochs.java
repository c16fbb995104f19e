package dev.cairn.coord.quorum;

import dev.cairn.common.io.Storage;
import java.nio.charset.StandardCharsets;

/**
 * The two epochs a peer keeps in its dataDir, as ZooKeeper keeps them: {@code acceptedEpoch}, the
 * newest epoch it promised to follow (LEADERINFO), and {@code currentEpoch}, the newest whose
 * leader it synced with (NEWLEADER). Each is a decimal number in its own file, replaced atomically,
 * and written before the peer acts on it, so neither goes back after a crash.
 */
final class Epochs {
  static final String ACCEPTED = "acceptedEpoch";
  static final String CURRENT = "currentEpoch";

  private final Storage storage;
  private long accepted;
  private long current;

  Epochs(Storage storage, long lastLoggedZxid) {
    this.storage = storage;
    long fromLog = Zxid.epoch(lastLoggedZxid);
    this.current = read(CURRENT, fromLog);
    this.accepted = read(ACCEPTED, current);
  }

  long accepted() {
    return accepted;
  }

  long current() {
    return current;
  }

  void accept(long epoch) {
    if (epoch < accepted) {
      throw new IllegalStateException("accepted epoch would go back: " + accepted + " -> " + epoch);
    }
    if (epoch != accepted) {
      write(ACCEPTED, epoch);
      accepted = epoch;
    }
  }

  void makeCurrent(long epoch) {
    if (epoch < current) {
      throw new IllegalStateException("current epoch would go back: " + current + " -> " + epoch);
    }
    if (epoch != current) {
      write(CURRENT, epoch);
      current = epoch;
    }
  }

  private long read(String name, long otherwise) {
    byte[] content = storage.readAll(name);
    if (content == null) {
      return otherwise;
    }
    String text = new String(content, StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("unreadable " + name + " file: '" + text + "'", e);
    }
  }

  private void write(String name, long epoch) {
    storage.writeAtomically(name, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
