package dev.cairn.cache.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.db.Dict.KeyEntry;
import dev.cairn.cache.types.ListValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the compact keyspace entry keeps and what moved out of it: the 7-bit snapshot epoch tags
 * beside the access clock, and the memory estimate of containers, which now lives in the value.
 */
class KeyEntryStateTest {
  private final Keyspace keyspace =
      new Keyspace(
          2,
          new Keyspace.Listener() {
            @Override
            public void modified(Database db, byte[] key) {}

            @Override
            public void event(Database db, byte[] key, char type, String event) {}
          });
  private final Database db = keyspace.db(0);
  private final Database other = keyspace.db(1);

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

  private static ListValue list(int elements) {
    ListValue l = new ListValue();
    for (int i = 0; i < elements; i++) {
      l.addFirst(bytes("element-" + i));
    }
    return l;
  }

  @Test
  void aListHandedToAnotherKeyIsCountedOnceWhicheverGoesFirst() {
    db.add(bytes("a"), list(100));
    keyspace.settle();
    long withList = db.bytes();
    Object v = db.peek(bytes("a")).value;
    db.set(bytes("b"), v, false); // as RENAME: the new key, then the old one goes
    db.delete(bytes("a"));
    keyspace.settle();
    assertThat(db.bytes()).isEqualTo(withList);
    db.delete(bytes("b"));
    db.add(bytes("a"), v);
    keyspace.settle();
    assertThat(db.bytes()).isEqualTo(withList);
  }

  @Test
  void aMovedListCountsInTheTargetDatabaseOnly() {
    long empty = db.bytes();
    long emptyOther = other.bytes();
    db.add(bytes("a"), list(100));
    keyspace.settle();
    long withList = db.bytes();
    other.add(bytes("a"), db.peek(bytes("a")).value);
    db.delete(bytes("a"));
    keyspace.settle();
    assertThat(db.bytes()).isEqualTo(empty);
    assertThat(other.bytes()).isEqualTo(emptyOther + withList - empty);
  }

  @Test
  void aChangedListIsRemeasuredAndAStringReplacingItTakesItsEstimateOut() {
    long empty = db.bytes();
    db.add(bytes("a"), list(10));
    keyspace.settle();
    long small = db.bytes();
    ((ListValue) db.lookupWrite(bytes("a")).value).addFirst(new byte[1000]);
    keyspace.settle();
    assertThat(db.bytes()).isGreaterThan(small + 1000);
    db.set(bytes("a"), bytes("x"), false);
    keyspace.settle();
    assertThat(db.bytes()).isLessThan(small);
    db.delete(bytes("a"));
    keyspace.settle();
    assertThat(db.bytes()).isEqualTo(empty);
  }
}
