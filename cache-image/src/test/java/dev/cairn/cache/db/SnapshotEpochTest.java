package dev.cairn.cache.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.db.Dict.KeyEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 8-bit snapshot epoch tags kept in a keyspace entry beside its access clock. */
class SnapshotEpochTest {
  private final Keyspace keyspace =
      new Keyspace(
          1,
          new Keyspace.Listener() {
            @Override
            public void modified(Database db, byte[] key) {}

            @Override
            public void event(Database db, byte[] key, char type, String event) {}
          });
  private final Database db = keyspace.db(0);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void entriesUntouchedForHundredsOfAbandonedSnapshotsAreUnsettledInTheNext() {
    List<KeyEntry> untouched = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      untouched.add(db.add(bytes("k" + i), bytes("v")));
      keyspace.beginSnapshot((d, e) -> {});
      keyspace.endSnapshot(); // abandoned: none of the entries was written
    }
    keyspace.beginSnapshot((d, e) -> {});
    for (KeyEntry e : untouched) {
      assertThat(keyspace.settleForSnapshot(e)).as("%s", new String(e.key)).isTrue();
      assertThat(keyspace.settleForSnapshot(e)).isFalse();
    }
    KeyEntry born = db.add(bytes("born"), bytes("v"));
    assertThat(keyspace.settleForSnapshot(born)).isFalse(); // created during the snapshot
  }

  @Test
  void settlingLeavesTheAccessClockAlone() {
    KeyEntry e = db.add(bytes("k"), bytes("v"));
    keyspace.restoreClock(e, 100, -1);
    for (int i = 0; i < 300; i++) {
      keyspace.beginSnapshot((d, x) -> {});
      assertThat(keyspace.settleForSnapshot(e)).isTrue();
      keyspace.endSnapshot();
    }
    assertThat(keyspace.idleMillis(e)).isBetween(100_000L, 101_000L);
  }
}
