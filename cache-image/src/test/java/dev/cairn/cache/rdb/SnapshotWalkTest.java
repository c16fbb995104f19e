package dev.cairn.cache.rdb;

import static dev.cairn.cache.rdb.Datasets.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.db.Database;
import dev.cairn.cache.db.Keyspace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The snapshot walks each table in bucket order and starts a table over when it was resized between
 * two slices: the file must still hold exactly the dataset at the start, when keys are added until
 * the table doubles, and removed until it shrinks, while the walk is half way.
 */
class SnapshotWalkTest {
  private static final int KEYS = 5000;

  @Test
  void aTableGrownAndShrunkDuringTheWalkIsSnapshottedAsItWasAtTheStart() throws Exception {
    Keyspace ks = Datasets.emptyKeyspace();
    Database db = ks.db(0);
    for (int i = 0; i < KEYS; i++) {
      db.add(b("k:" + i), b("v:" + i));
    }
    ks.db(3).add(b("other"), b("database"));
    Map<String, String> atStart = Datasets.describe(ks);
    int bucketsAtStart = db.keys().buckets();

    List<Chunk> chunks = new ArrayList<>();
    Snapshot snapshot =
        new Snapshot(ks, new RdbSnapshotFormat(ks, true, true, Map.of(), List.of()), chunks::add);
    int steps = 0;
    boolean done = false;
    while (!done) {
      done = snapshot.step(0); // one bucket per slice
      steps++;
      if (steps == bucketsAtStart / 2) {
        for (int i = 0; i < 2 * KEYS; i++) { // born after the start: never written
          db.add(b("new:" + i), b("x"));
        }
        assertThat(db.keys().buckets()).as("grown mid-walk").isGreaterThan(bucketsAtStart);
      }
      if (steps == bucketsAtStart) {
        int before = db.keys().buckets();
        for (int i = 0; i < 2 * KEYS; i++) {
          db.delete(b("new:" + i));
        }
        for (int i = 0; i < KEYS; i++) { // written before their removal (beforeChange)
          if (i % 4 != 0) {
            db.delete(b("k:" + i));
          }
        }
        assertThat(db.keys().buckets()).as("shrunk mid-walk").isLessThan(before);
      }
    }
    assertThat(steps).as("the walk went on past both resizes").isGreaterThan(bucketsAtStart);

    ByteArrayOutputStream file = new ByteArrayOutputStream();
    SnapshotFormat.File writer =
        new RdbSnapshotFormat(ks, true, true, Map.of(), List.of()).open(file, snapshot);
    for (Chunk c : chunks) {
      writer.chunk(c);
    }
    writer.finish();
    Keyspace loaded = Datasets.emptyKeyspace();
    byte[] bytes = file.toByteArray();
    RdbLoader.load(
        new RdbInput(new ByteArrayInputStream(bytes), bytes.length), loaded, Datasets.LIMITS);
    assertThat(Datasets.describe(loaded)).isEqualTo(atStart);
    assertThat(snapshot.keysWritten()).isEqualTo(KEYS + 1);
  }
}
