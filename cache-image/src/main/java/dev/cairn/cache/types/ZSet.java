package dev.cairn.cache.types;

import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Memory;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set, as in Redis's t_zset.c: a dict from member to score answers ZSCORE and membership
 * in O(1), and a skip list ordered by (score, member) answers ranges and ranks in O(log n).
 *
 * <p>The skip list follows William Pugh's paper with Redis's changes: scores may repeat (ties are
 * ordered by member bytes), every forward link records its span (how many elements it jumps) so the
 * rank of an element is the sum of spans along the search path, and level-0 nodes keep a backward
 * pointer for reverse iteration. Levels are drawn with p = 1/4, at most 32.
 *
 * <p>Not thread-safe.
 */
public final class ZSet {
  private static final int MAX_LEVEL = 32;

  /**
   * A skip-list node: one element. The links and spans of the four lowest levels are fields, not
   * arrays: a search step then touches one object instead of three (node, links, spans), which is
   * what a large sorted set's speed depends on (each step is a likely cache miss). 98% of nodes
   * have at most four levels; higher levels live in the overflow arrays.
   */
  public static final class Node {
    public final byte[] member;
    public double score;
    Node backward;
    final int level;
    private Node f0;
    private Node f1;
    private Node f2;
    private Node f3;
    private int s0;
    private int s1;
    private int s2;
    private int s3;
    private final Node[] fx;
    private final int[] sx;

    Node(int level, double score, byte[] member) {
      this.member = member;
      this.score = score;
      this.level = level;
      this.fx = level > 4 ? new Node[level - 4] : null;
      this.sx = level > 4 ? new int[level - 4] : null;
    }

    Node forward(int i) {
      return switch (i) {
        case 0 -> f0;
        case 1 -> f1;
        case 2 -> f2;
        case 3 -> f3;
        default -> fx[i - 4];
      };
    }

    void forward(int i, Node n) {
      switch (i) {
        case 0 -> f0 = n;
        case 1 -> f1 = n;
        case 2 -> f2 = n;
        case 3 -> f3 = n;
        default -> fx[i - 4] = n;
      }
    }

    int span(int i) {
      return switch (i) {
        case 0 -> s0;
        case 1 -> s1;
        case 2 -> s2;
        case 3 -> s3;
        default -> sx[i - 4];
      };
    }

    void span(int i, int v) {
      switch (i) {
        case 0 -> s0 = v;
        case 1 -> s1 = v;
        case 2 -> s2 = v;
        case 3 -> s3 = v;
        default -> sx[i - 4] = v;
      }
    }

    public Node next() {
      return f0;
    }

    public Node previous() {
      return backward;
    }
  }

  private final Dict dict = new Dict(Dict.Kind.ZSET);
  private final Node header = new Node(MAX_LEVEL, 0, null);
  private Node tail;
  private int level = 1;
  private int length;
  private long nodeBytes;

  public int size() {
    return length;
  }

  public long bytes() {
    return 48 + dict.bytes() + nodeBytes;
  }

  public ZSet copy() {
    ZSet z = new ZSet();
    for (Node n = first(); n != null; n = n.next()) {
      z.put(n.member, n.score);
    }
    return z;
  }

  public Dict dict() {
    return dict;
  }

  public Double score(byte[] member) {
    return (Double) dict.get(member);
  }

  /** Adds or updates; returns the previous score or null if the member is new. */
  public Double put(byte[] member, double score) {
    Dict.Entry e = dict.findOrCreate(member);
    Double old = (Double) e.value;
    dict.setValue(e, score);
    if (old == null) {
      insertNode(new Node(randomLevel(), score, e.key));
    } else if (old != score) {
      // A score update relinks the same node (as Redis's zslUpdateScore): no garbage, and the
      // node keeps its place in the old generation.
      Node n = deleteNode(old, e.key);
      n.score = score;
      insertNode(n);
    }
    return old;
  }

  public boolean remove(byte[] member) {
    Dict.Entry e = dict.remove(member);
    if (e == null) {
      return false;
    }
    deleteNode((Double) e.value, e.key);
    return true;
  }

  private static int compare(double s1, byte[] m1, double s2, byte[] m2) {
    int c = Double.compare(s1, s2);
    if (s1 == s2) {
      c = 0;
    }
    return c != 0 ? c : Arrays.compareUnsigned(m1, m2);
  }

  /**
   * Search-path scratch space, reused by every insert and delete: only the keyspace thread touches
   * sorted sets, and per-thread arrays keep engines in one JVM (tests) independent.
   */
  private static final ThreadLocal<Node[]> UPDATE =
      ThreadLocal.withInitial(() -> new Node[MAX_LEVEL]);

  private static final ThreadLocal<int[]> RANK = ThreadLocal.withInitial(() -> new int[MAX_LEVEL]);

  private void insertNode(Node node) {
    double score = node.score;
    byte[] member = node.member;
    Node[] update = UPDATE.get();
    int[] rank = RANK.get();
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      for (Node next = x.forward(i);
          next != null && compare(next.score, next.member, score, member) < 0;
          next = x.forward(i)) {
        rank[i] += x.span(i);
        x = next;
      }
      update[i] = x;
    }
    int lvl = node.level;
    if (lvl > level) {
      for (int i = level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = header;
        header.span(i, length);
      }
      level = lvl;
    }
    x = node;
    for (int i = 0; i < lvl; i++) {
      Node u = update[i];
      x.forward(i, u.forward(i));
      u.forward(i, x);
      x.span(i, u.span(i) - (rank[0] - rank[i]));
      u.span(i, (rank[0] - rank[i]) + 1);
    }
    for (int i = lvl; i < level; i++) {
      update[i].span(i, update[i].span(i) + 1);
    }
    x.backward = update[0] == header ? null : update[0];
    if (x.next() != null) {
      x.next().backward = x;
    } else {
      tail = x;
    }
    length++;
    nodeBytes += nodeSize(lvl);
  }

  /** Node object plus overflow arrays (levels above four). */
  private static long nodeSize(int lvl) {
    return 72 + (lvl > 4 ? 2L * Memory.align(16 + 4L * (lvl - 4)) : 0);
  }

  /** Unlinks the node of (score, member) and returns it. */
  private Node deleteNode(double score, byte[] member) {
    Node[] update = UPDATE.get();
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      for (Node next = x.forward(i);
          next != null && compare(next.score, next.member, score, member) < 0;
          next = x.forward(i)) {
        x = next;
      }
      update[i] = x;
    }
    x = x.next();
    for (int i = 0; i < level; i++) {
      Node u = update[i];
      if (u.forward(i) == x) {
        u.span(i, u.span(i) + x.span(i) - 1);
        u.forward(i, x.forward(i));
      } else {
        u.span(i, u.span(i) - 1);
      }
    }
    if (x.next() != null) {
      x.next().backward = x.backward;
    } else {
      tail = x.backward;
    }
    while (level > 1 && header.forward(level - 1) == null) {
      level--;
    }
    length--;
    nodeBytes -= nodeSize(x.level);
    x.backward = null;
    return x;
  }

  private static int randomLevel() {
    int lvl = 1;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while ((r.nextInt() & 0xFFFF) < (0xFFFF >> 2) && lvl < MAX_LEVEL) {
      lvl++;
    }
    return lvl;
  }

  /** 0-based rank of member (ascending), or -1. */
  public long rank(byte[] member) {
    Double score = score(member);
    if (score == null) {
      return -1;
    }
    long rank = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      for (Node next = x.forward(i);
          next != null && compare(next.score, next.member, score, member) <= 0;
          next = x.forward(i)) {
        rank += x.span(i);
        x = next;
      }
      if (x != header && Arrays.equals(x.member, member)) {
        return rank - 1;
      }
    }
    return -1;
  }

  /** The node at 0-based rank, or null. */
  public Node byRank(long rank) {
    if (rank < 0 || rank >= length) {
      return null;
    }
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && traversed + x.span(i) <= rank + 1) {
        traversed += x.span(i);
        x = x.forward(i);
      }
      if (traversed == rank + 1) {
        return x;
      }
    }
    return null;
  }

  public Node first() {
    return header.next();
  }

  public Node last() {
    return tail;
  }

  /** First node whose score is in range (ascending), or null. */
  public Node firstInRange(ScoreRange r) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && !r.aboveMin(x.forward(i).score)) {
        x = x.forward(i);
      }
    }
    x = x.next();
    return x != null && r.belowMax(x.score) ? x : null;
  }

  /** Last node whose score is in range, or null. */
  public Node lastInRange(ScoreRange r) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && r.belowMax(x.forward(i).score)) {
        x = x.forward(i);
      }
    }
    return x != header && r.aboveMin(x.score) ? x : null;
  }

  public Node firstInLex(LexRange r) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && !r.aboveMin(x.forward(i).member)) {
        x = x.forward(i);
      }
    }
    x = x.next();
    return x != null && r.belowMax(x.member) ? x : null;
  }

  public Node lastInLex(LexRange r) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward(i) != null && r.belowMax(x.forward(i).member)) {
        x = x.forward(i);
      }
    }
    return x != header && r.aboveMin(x.member) ? x : null;
  }

  /** A score interval; exclusive ends written "(x" by users. */
  public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
    public boolean aboveMin(double s) {
      return minExclusive ? s > min : s >= min;
    }

    public boolean belowMax(double s) {
      return maxExclusive ? s < max : s <= max;
    }

    public boolean contains(double s) {
      return aboveMin(s) && belowMax(s);
    }
  }

  /** A lexicographic interval: "[a" inclusive, "(a" exclusive, "-" and "+" the extremes. */
  public record LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
    /** min == null with minExclusive false means "-"; max == null means "+". */
    public boolean aboveMin(byte[] m) {
      if (min == null) {
        return !minExclusive;
      }
      int c = Arrays.compareUnsigned(m, min);
      return minExclusive ? c > 0 : c >= 0;
    }

    public boolean belowMax(byte[] m) {
      if (max == null) {
        return !maxExclusive;
      }
      int c = Arrays.compareUnsigned(m, max);
      return maxExclusive ? c < 0 : c <= 0;
    }
  }
}
