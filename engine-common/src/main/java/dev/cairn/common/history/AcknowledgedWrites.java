package dev.cairn.common.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The durability check: every write a client was told succeeded must be found afterwards. Writes
 * are identified by a value the test makes unique (a znode path, a record's key, a counter).
 */
public final class AcknowledgedWrites<T> {
  private final Set<T> acknowledged = new LinkedHashSet<>();

  public synchronized void acknowledged(T write) {
    acknowledged.add(write);
  }

  public synchronized int count() {
    return acknowledged.size();
  }

  /** The acknowledged writes missing from what was read back, in acknowledgement order. */
  public synchronized List<T> missingFrom(Collection<T> found) {
    Set<T> present = new HashSet<>(found);
    List<T> missing = new ArrayList<>();
    for (T write : acknowledged) {
      if (!present.contains(write)) {
        missing.add(write);
      }
    }
    return missing;
  }
}
