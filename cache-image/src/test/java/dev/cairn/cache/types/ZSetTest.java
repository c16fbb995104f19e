package dev.cairn.cache.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cache.db.Encodings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The B+tree against a sorted-list model under random adds, updates and removals. */
class ZSetTest {
  private record Element(String member, double score) {}

  private static List<Element> model(Map<String, Double> scores) {
    List<Element> sorted = new ArrayList<>();
    scores.forEach((m, s) -> sorted.add(new Element(m, s)));
    sorted.sort((a, b) -> {
      int c = Double.compare(a.score, b.score);
      return c != 0 ? c : a.member.compareTo(b.member);
    });
    return sorted;
  }

  @Test
  void randomOperationsKeepOrderRanksAndRanges() {
    checkAgainstModel(new ZSet(new Encodings()), 500, 20_000);
  }

  @Test
  void deepTreesSplitMergeAndRebalanceCorrectly() {
    // capacity 8 gives four or five levels at these sizes, so every split, merge and borrow path
    // runs many times
    checkAgainstModel(new ZSet(8, new Encodings()), 3_000, 60_000);
  }

  @Test
  void drainingToEmptyAndRefillingWorks() {
    ZSet z = new ZSet(8, new Encodings());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2_000; i++) {
        z.put(("m" + i).getBytes(StandardCharsets.US_ASCII), i % 7);
      }
      assertThat(z.size()).isEqualTo(2_000);
      for (int i = 0; i < 2_000; i += 2) {
        z.remove(("m" + i).getBytes(StandardCharsets.US_ASCII));
      }
      for (int i = 1; i < 2_000; i += 2) {
        z.remove(("m" + i).getBytes(StandardCharsets.US_ASCII));
      }
      assertThat(z.size()).isZero();
      assertThat(z.first()).isNull();
      assertThat(z.last()).isNull();
    }
    // an emptied set shrinks back to a lone root leaf
    assertThat(z.bytes()).isLessThan(new ZSet(8, new Encodings()).bytes() + 200);
  }

  private static void checkAgainstModel(ZSet z, int members, int ops) {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    Map<String, Double> scores = new HashMap<>();
    for (int op = 0; op < ops; op++) {
      String m = "m" + rnd.nextInt(members);
      byte[] mb = m.getBytes(StandardCharsets.US_ASCII);
      if (rnd.nextInt(4) == 0) {
        assertThat(z.remove(mb)).as("seed %d", seed).isEqualTo(scores.remove(m) != null);
      } else {
        double s = rnd.nextInt(100);
        z.put(mb, s);
        scores.put(m, s);
      }
    }
    List<Element> expected = model(scores);
    assertThat(z.size()).isEqualTo(expected.size());
    int i = 0;
    for (ZSet.Node n = z.first(); n != null; n = n.next(), i++) {
      Element e = expected.get(i);
      assertThat(new String(n.member, StandardCharsets.US_ASCII))
          .as("seed %d", seed)
          .isEqualTo(e.member);
      assertThat(n.score).isEqualTo(e.score);
      assertThat(z.rank(n.member)).isEqualTo(i);
      assertThat(z.byRank(i).member).isEqualTo(n.member);
    }
    assertThat(i).isEqualTo(expected.size());
    i = expected.size() - 1;
    for (ZSet.Node n = z.last(); n != null; n = n.previous(), i--) {
      assertThat(new String(n.member, StandardCharsets.US_ASCII))
          .as("seed %d", seed)
          .isEqualTo(expected.get(i).member);
    }
    assertThat(i).isEqualTo(-1);
    for (int lo = 0; lo < 100; lo += 7) {
      int min = lo;
      ZSet.ScoreRange r = new ZSet.ScoreRange(min, false, min + 20, true);
      List<String> want =
          expected.stream().filter(e -> r.contains(e.score)).map(Element::member).toList();
      List<String> got = new ArrayList<>();
      for (ZSet.Node n = z.firstInRange(r); n != null && r.contains(n.score); n = n.next()) {
        got.add(new String(n.member, StandardCharsets.US_ASCII));
      }
      assertThat(got).as("seed %d range %s", seed, r).isEqualTo(want);
      ZSet.Node lastIn = z.lastInRange(r);
      assertThat(lastIn == null ? null : new String(lastIn.member, StandardCharsets.US_ASCII))
          .as("seed %d range %s", seed, r)
          .isEqualTo(want.isEmpty() ? null : want.get(want.size() - 1));
    }
  }

  @Test
  void lexRangesOnEqualScores() {
    ZSet z = new ZSet(8, new Encodings());
    List<String> all = new ArrayList<>();
    for (char c = 'a'; c <= 'z'; c++) {
      for (char d = 'a'; d <= 'z'; d++) {
        all.add("" + c + d);
        z.put(("" + c + d).getBytes(StandardCharsets.US_ASCII), 0);
      }
    }
    ZSet.LexRange r =
        new ZSet.LexRange(
            "cz".getBytes(StandardCharsets.US_ASCII),
            true,
            "f".getBytes(StandardCharsets.US_ASCII),
            false);
    List<String> want =
        all.stream().filter(m -> m.compareTo("cz") > 0 && m.compareTo("f") <= 0).toList();
    assertThat(new String(z.firstInLex(r).member, StandardCharsets.US_ASCII))
        .isEqualTo(want.get(0));
    assertThat(new String(z.lastInLex(r).member, StandardCharsets.US_ASCII))
        .isEqualTo(want.get(want.size() - 1));
  }
}
