package dev.cairn.cache.types;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.server.CommandError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Random members for SRANDMEMBER, SPOP, HRANDFIELD and ZRANDMEMBER with Redis's count rules: a
 * positive count returns distinct members (at most all of them), a negative count returns exactly
 * |count| members that may repeat.
 */
final class Sampling {
  private Sampling() {}

  /** Redis rejects counts whose doubling could overflow. */
  static void checkCount(long count) {
    if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
      throw new CommandError("ERR value is out of range");
    }
  }

  static List<Dict.Entry> sample(Dict d, long count) {
    List<Dict.Entry> out = new ArrayList<>();
    if (count < 0) {
      for (long i = 0; i < -count; i++) {
        out.add(d.fairRandom());
      }
      return out;
    }
    if (count >= d.size()) {
      for (Dict.Entry e : d) {
        out.add(e);
      }
      return out;
    }
    if (count * 3 > d.size()) {
      for (Dict.Entry e : d) {
        out.add(e);
      }
      Collections.shuffle(out);
      return new ArrayList<>(out.subList(0, (int) count));
    }
    Map<Dict.Entry, Boolean> picked = new IdentityHashMap<>();
    while (picked.size() < count) {
      Dict.Entry e = d.fairRandom();
      if (picked.put(e, Boolean.TRUE) == null) {
        out.add(e);
      }
    }
    return out;
  }
}
