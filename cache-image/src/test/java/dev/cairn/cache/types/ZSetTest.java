package dev.cairn.cache.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The skip list against a sorted-list model under random adds, updates and removals. */
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
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    ZSet z = new ZSet();
    Map<String, Double> scores = new HashMap<>();
    for (int op = 0; op < 20_000; op++) {
      String m = "m" + rnd.nextInt(500);
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
      assertThat(z.byRank(i)).isSameAs(n);
    }
    ZSet.ScoreRange r = new ZSet.ScoreRange(20, false, 40, true);
    long inRange = expected.stream().filter(e -> e.score >= 20 && e.score < 40).count();
    long counted = 0;
    for (ZSet.Node n = z.firstInRange(r); n != null && r.contains(n.score); n = n.next()) {
      counted++;
    }
    assertThat(counted).isEqualTo(inRange);
    assertThat(z.last().score).isEqualTo(expected.get(expected.size() - 1).score);
  }
}
