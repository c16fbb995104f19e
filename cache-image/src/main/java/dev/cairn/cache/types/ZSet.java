package dev.cairn.cache.types;

import dev.cairn.cache.db.Container;
import dev.cairn.cache.db.Dict;
import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.db.Memory;
import java.util.Arrays;

/**
 * A sorted set: a dict from member to score answers ZSCORE and membership in O(1), and an
 * order-statistic B+tree over (score, member) answers ranges and ranks in O(log n) — the job
 * Redis's t_zset.c gives a skip list.
 *
 * <p>Why a B+tree and not Redis's skip list: in Java every skip-list step is a dependent load of
 * another heap object, and a 100,000-member set took about 60 of them per update. Here a lookup
 * touches three or four pages whose keys sit in one {@code double[]} each, so a ZADD costs a few
 * cache misses instead of dozens, and the structure needs about a fifth of the skip list's memory.
 *
 * <p>Layout: leaves hold up to {@link #capacity} (score, member) pairs in order and are linked both
 * ways for range walks; branches hold up to {@link #capacity} children, each child's element count
 * (so ranks are sums along one path) and a separator per child but the first — a key no greater
 * than any key of that child and greater than every key of the child before. Deletion may leave a
 * separator below its child's smallest key, which keeps both properties. A page that falls below a
 * quarter full is merged with a sibling or takes elements from it, so space stays proportional to
 * the size. Ties on score are ordered by member bytes, as in Redis.
 *
 * <p>Not thread-safe; {@link Node}s are positions valid until the next change.
 */
public final class ZSet extends Container {
  private static final int DEFAULT_CAPACITY = 64;

  private final int capacity;
  private final int minimum;
  private final Dict dict = new Dict(Dict.Kind.ZSET);
  private final Encodings limits;

  /**
   * Whether Redis would still hold this set in a listpack (OBJECT ENCODING): true until a member
   * count or length crosses zset-max-listpack-*, then false for good, as Redis never converts back.
   */
  private boolean listpack = true;

  private Page root;
  private Leaf first;
  private Leaf last;
  private int length;
  private int leaves = 1;
  private int branches;

  public ZSet(Encodings limits) {
    this(DEFAULT_CAPACITY, limits);
  }

  /** A set with pages of the given capacity (small capacities let tests build deep trees). */
  ZSet(int capacity, Encodings limits) {
    if (capacity < 8) {
      throw new IllegalArgumentException("page capacity below 8: " + capacity);
    }
    this.capacity = capacity;
    this.limits = limits;
    this.minimum = Math.max(1, capacity / 4);
    this.root = first = last = new Leaf(Math.min(4, capacity));
  }

  private abstract static sealed class Page permits Leaf, Branch {
    int n;
  }

  private static final class Leaf extends Page {
    double[] scores;
    byte[][] members;
    Leaf prev;
    Leaf next;

    Leaf(int size) {
      scores = new double[size];
      members = new byte[size][];
    }
  }

  private static final class Branch extends Page {
    final Page[] kids;
    final int[] counts;
    final double[] sepScores;
    final byte[][] sepMembers;

    Branch(int capacity) {
      kids = new Page[capacity];
      counts = new int[capacity];
      sepScores = new double[capacity];
      sepMembers = new byte[capacity][];
    }
  }

  /** A position in the set: one element, and the way to its neighbours. */
  public static final class Node {
    public final byte[] member;
    public final double score;
    private final Leaf leaf;
    private final int index;

    private Node(Leaf leaf, int index) {
      this.leaf = leaf;
      this.index = index;
      this.member = leaf.members[index];
      this.score = leaf.scores[index];
    }

    private static Node at(Leaf leaf, int index) {
      if (index >= leaf.n) {
        leaf = leaf.next;
        index = 0;
      } else if (index < 0) {
        leaf = leaf.prev;
        index = leaf == null ? 0 : leaf.n - 1;
      }
      return leaf == null || leaf.n == 0 ? null : new Node(leaf, index);
    }

    public Node next() {
      return at(leaf, index + 1);
    }

    public Node previous() {
      return at(leaf, index - 1);
    }
  }

  public int size() {
    return length;
  }

  /**
   * Memory held: the dict, and the pages at their array sizes (every page but a lone root leaf is
   * allocated at full capacity).
   */
  public long bytes() {
    long pages;
    if (root instanceof Leaf leaf) {
      pages = leafBytes(leaf.scores.length);
    } else {
      pages =
          leaves * leafBytes(capacity)
              + branches
                  * (40 + 3L * Memory.align(16 + 4L * capacity) + Memory.align(16 + 8L * capacity));
    }
    return 56 + dict.bytes() + pages;
  }

  private static long leafBytes(int size) {
    return 40 + Memory.align(16 + 8L * size) + Memory.align(16 + 4L * size);
  }

  public ZSet copy() {
    ZSet z = new ZSet(capacity, limits);
    for (Node n = first(); n != null; n = n.next()) {
      z.put(n.member, n.score);
    }
    z.listpack = listpack;
    return z;
  }

  /** Whether OBJECT ENCODING says "listpack" (else "skiplist"). */
  public boolean listpack() {
    return listpack;
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
      insert(score, e.key);
      length++;
      listpack = listpack && limits.zsetFits(length, member.length);
    } else if (old != score) {
      delete(root, old, e.key);
      collapseRoot();
      insert(score, e.key);
    }
    return old;
  }

  public boolean remove(byte[] member) {
    Dict.Entry e = dict.remove(member);
    if (e == null) {
      return false;
    }
    delete(root, (Double) e.value, e.key);
    collapseRoot();
    length--;
    return true;
  }

  private static int compare(double s1, byte[] m1, double s2, byte[] m2) {
    if (s1 < s2) {
      return -1;
    }
    if (s1 > s2) {
      return 1;
    }
    return Arrays.compareUnsigned(m1, m2);
  }

  /** First index of the leaf whose key is not below (s, m). */
  private static int lowerBound(Leaf leaf, double s, byte[] m) {
    int lo = 0;
    int hi = leaf.n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(leaf.scores[mid], leaf.members[mid], s, m) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The child of b whose key range holds (s, m): the last one whose separator is not above it. */
  private static int childIndex(Branch b, double s, byte[] m) {
    int lo = 1;
    int hi = b.n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(b.sepScores[mid], b.sepMembers[mid], s, m) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  // ---- insertion ----

  private void insert(double s, byte[] m) {
    Page split = insert(root, s, m);
    if (split != null) {
      Branch b = new Branch(capacity);
      branches++;
      b.kids[0] = root;
      b.counts[0] = count(root);
      b.n = 1;
      insertChild(b, 1, split);
      root = b;
    }
  }

  /** Inserts (s, m) under p; returns p's new right sibling if p had to split. */
  private Page insert(Page p, double s, byte[] m) {
    if (p instanceof Leaf leaf) {
      int i = lowerBound(leaf, s, m);
      if (leaf.n < capacity) {
        insertAt(leaf, i, s, m);
        return null;
      }
      Leaf right = split(leaf);
      if (i <= leaf.n) {
        insertAt(leaf, i, s, m);
      } else {
        insertAt(right, i - leaf.n, s, m);
      }
      return right;
    }
    Branch b = (Branch) p;
    int i = childIndex(b, s, m);
    Page grown = insert(b.kids[i], s, m);
    b.counts[i]++;
    if (grown == null) {
      return null;
    }
    b.counts[i] = count(b.kids[i]);
    if (b.n < capacity) {
      insertChild(b, i + 1, grown);
      return null;
    }
    Branch right = split(b);
    if (i + 1 <= b.n) {
      insertChild(b, i + 1, grown);
    } else {
      insertChild(right, i + 1 - b.n, grown);
    }
    return right;
  }

  private static void insertAt(Leaf leaf, int i, double s, byte[] m) {
    if (leaf.n == leaf.scores.length) {
      int size = leaf.n * 2;
      leaf.scores = Arrays.copyOf(leaf.scores, size);
      leaf.members = Arrays.copyOf(leaf.members, size);
    }
    System.arraycopy(leaf.scores, i, leaf.scores, i + 1, leaf.n - i);
    System.arraycopy(leaf.members, i, leaf.members, i + 1, leaf.n - i);
    leaf.scores[i] = s;
    leaf.members[i] = m;
    leaf.n++;
  }

  /** Inserts child p at index i of b, its separator being p's lowest key. */
  private static void insertChild(Branch b, int i, Page p) {
    int tail = b.n - i;
    System.arraycopy(b.kids, i, b.kids, i + 1, tail);
    System.arraycopy(b.counts, i, b.counts, i + 1, tail);
    System.arraycopy(b.sepScores, i, b.sepScores, i + 1, tail);
    System.arraycopy(b.sepMembers, i, b.sepMembers, i + 1, tail);
    b.kids[i] = p;
    b.counts[i] = count(p);
    if (p instanceof Leaf leaf) {
      b.sepScores[i] = leaf.scores[0];
      b.sepMembers[i] = leaf.members[0];
    } else {
      Branch kid = (Branch) p;
      b.sepScores[i] = kid.sepScores[0];
      b.sepMembers[i] = kid.sepMembers[0];
    }
    b.n++;
  }

  /** Moves the upper half of a full leaf to a new leaf linked after it. */
  private Leaf split(Leaf leaf) {
    Leaf right = new Leaf(capacity);
    leaves++;
    int keep = leaf.n / 2;
    right.n = leaf.n - keep;
    System.arraycopy(leaf.scores, keep, right.scores, 0, right.n);
    System.arraycopy(leaf.members, keep, right.members, 0, right.n);
    Arrays.fill(leaf.members, keep, leaf.n, null);
    leaf.n = keep;
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next != null) {
      leaf.next.prev = right;
    } else {
      last = right;
    }
    leaf.next = right;
    return right;
  }

  /**
   * Moves the upper half of a full branch to a new branch; the first moved separator becomes the
   * new branch's own lowest key (slot 0), which the parent takes as its separator.
   */
  private Branch split(Branch b) {
    Branch right = new Branch(capacity);
    branches++;
    int keep = b.n / 2;
    right.n = b.n - keep;
    System.arraycopy(b.kids, keep, right.kids, 0, right.n);
    System.arraycopy(b.counts, keep, right.counts, 0, right.n);
    System.arraycopy(b.sepScores, keep, right.sepScores, 0, right.n);
    System.arraycopy(b.sepMembers, keep, right.sepMembers, 0, right.n);
    Arrays.fill(b.kids, keep, b.n, null);
    Arrays.fill(b.sepMembers, keep, b.n, null);
    b.n = keep;
    return right;
  }

  private static int count(Page p) {
    if (p instanceof Leaf) {
      return p.n;
    }
    Branch b = (Branch) p;
    int sum = 0;
    for (int i = 0; i < b.n; i++) {
      sum += b.counts[i];
    }
    return sum;
  }

  // ---- deletion ----

  /** Removes (s, m), which is present, from under p. */
  private void delete(Page p, double s, byte[] m) {
    if (p instanceof Leaf leaf) {
      int i = lowerBound(leaf, s, m);
      System.arraycopy(leaf.scores, i + 1, leaf.scores, i, leaf.n - i - 1);
      System.arraycopy(leaf.members, i + 1, leaf.members, i, leaf.n - i - 1);
      leaf.members[--leaf.n] = null;
      return;
    }
    Branch b = (Branch) p;
    int i = childIndex(b, s, m);
    delete(b.kids[i], s, m);
    b.counts[i]--;
    if (b.kids[i].n < minimum && b.n > 1) {
      rebalance(b, i > 0 ? i - 1 : 0);
    }
  }

  private void collapseRoot() {
    while (root instanceof Branch b && b.n == 1) {
      root = b.kids[0];
      branches--;
    }
  }

  /** Merges children l and l + 1 of b if they fit in one page, else evens out their sizes. */
  private void rebalance(Branch b, int l) {
    Page left = b.kids[l];
    Page right = b.kids[l + 1];
    int total = left.n + right.n;
    int move = total <= capacity ? right.n : total / 2 - left.n;
    if (move == 0) {
      return;
    }
    if (move > 0) {
      if (left instanceof Leaf ll) {
        leafToLeft(b, l, ll, (Leaf) right, move);
      } else {
        branchToLeft(b, l, (Branch) left, (Branch) right, move);
      }
    } else if (left instanceof Leaf ll) {
      leafToRight(b, l, ll, (Leaf) right, -move);
    } else {
      branchToRight(b, l, (Branch) left, (Branch) right, -move);
    }
    if (right.n == 0) {
      removeChild(b, l + 1);
      if (right instanceof Leaf rl) {
        leaves--;
        unlink(rl);
      } else {
        branches--;
      }
    }
  }

  /** Unlinks an emptied leaf from the leaf chain. */
  private void unlink(Leaf gone) {
    if (gone.prev != null) {
      gone.prev.next = gone.next;
    }
    if (gone.next != null) {
      gone.next.prev = gone.prev;
    } else {
      last = gone.prev;
    }
  }

  private static void removeChild(Branch b, int i) {
    int tail = b.n - i - 1;
    b.counts[i - 1] += b.counts[i];
    System.arraycopy(b.kids, i + 1, b.kids, i, tail);
    System.arraycopy(b.counts, i + 1, b.counts, i, tail);
    System.arraycopy(b.sepScores, i + 1, b.sepScores, i, tail);
    System.arraycopy(b.sepMembers, i + 1, b.sepMembers, i, tail);
    b.n--;
    b.kids[b.n] = null;
    b.sepMembers[b.n] = null;
  }

  /** Moves the first k elements of right to the end of left (children l, l + 1 of b). */
  private static void leafToLeft(Branch b, int l, Leaf left, Leaf right, int k) {
    ensure(left, left.n + k);
    System.arraycopy(right.scores, 0, left.scores, left.n, k);
    System.arraycopy(right.members, 0, left.members, left.n, k);
    left.n += k;
    int rest = right.n - k;
    System.arraycopy(right.scores, k, right.scores, 0, rest);
    System.arraycopy(right.members, k, right.members, 0, rest);
    Arrays.fill(right.members, rest, right.n, null);
    right.n = rest;
    if (rest > 0) {
      b.sepScores[l + 1] = right.scores[0];
      b.sepMembers[l + 1] = right.members[0];
    }
    b.counts[l] += k;
    b.counts[l + 1] -= k;
  }

  /** Moves the last k elements of left to the front of right. */
  private static void leafToRight(Branch b, int l, Leaf left, Leaf right, int k) {
    ensure(right, right.n + k);
    System.arraycopy(right.scores, 0, right.scores, k, right.n);
    System.arraycopy(right.members, 0, right.members, k, right.n);
    System.arraycopy(left.scores, left.n - k, right.scores, 0, k);
    System.arraycopy(left.members, left.n - k, right.members, 0, k);
    Arrays.fill(left.members, left.n - k, left.n, null);
    left.n -= k;
    right.n += k;
    b.sepScores[l + 1] = right.scores[0];
    b.sepMembers[l + 1] = right.members[0];
    b.counts[l] -= k;
    b.counts[l + 1] += k;
  }

  private static void ensure(Leaf leaf, int size) {
    if (leaf.scores.length < size) {
      int grown = Math.max(size, leaf.scores.length * 2);
      leaf.scores = Arrays.copyOf(leaf.scores, grown);
      leaf.members = Arrays.copyOf(leaf.members, grown);
    }
  }

  /**
   * Moves the first k children of right to the end of left. The parent's separator for right
   * becomes the separator of right's first moved child, and right's k-th separator moves up.
   */
  private static void branchToLeft(Branch b, int l, Branch left, Branch right, int k) {
    int moved = 0;
    for (int j = 0; j < k; j++) {
      int at = left.n + j;
      left.kids[at] = right.kids[j];
      left.counts[at] = right.counts[j];
      moved += right.counts[j];
      left.sepScores[at] = j == 0 ? b.sepScores[l + 1] : right.sepScores[j];
      left.sepMembers[at] = j == 0 ? b.sepMembers[l + 1] : right.sepMembers[j];
    }
    left.n += k;
    int rest = right.n - k;
    if (rest > 0) {
      b.sepScores[l + 1] = right.sepScores[k];
      b.sepMembers[l + 1] = right.sepMembers[k];
    }
    System.arraycopy(right.kids, k, right.kids, 0, rest);
    System.arraycopy(right.counts, k, right.counts, 0, rest);
    System.arraycopy(right.sepScores, k, right.sepScores, 0, rest);
    System.arraycopy(right.sepMembers, k, right.sepMembers, 0, rest);
    Arrays.fill(right.kids, rest, right.n, null);
    Arrays.fill(right.sepMembers, rest, right.n, null);
    right.n = rest;
    b.counts[l] += moved;
    b.counts[l + 1] -= moved;
  }

  /** Moves the last k children of left to the front of right. */
  private static void branchToRight(Branch b, int l, Branch left, Branch right, int k) {
    System.arraycopy(right.kids, 0, right.kids, k, right.n);
    System.arraycopy(right.counts, 0, right.counts, k, right.n);
    System.arraycopy(right.sepScores, 0, right.sepScores, k, right.n);
    System.arraycopy(right.sepMembers, 0, right.sepMembers, k, right.n);
    // right's old first child now sits at k; its separator is the parent's one for right
    right.sepScores[k] = b.sepScores[l + 1];
    right.sepMembers[k] = b.sepMembers[l + 1];
    int from = left.n - k;
    int moved = 0;
    for (int j = 0; j < k; j++) {
      right.kids[j] = left.kids[from + j];
      right.counts[j] = left.counts[from + j];
      moved += right.counts[j];
      right.sepScores[j] = left.sepScores[from + j];
      right.sepMembers[j] = left.sepMembers[from + j];
    }
    b.sepScores[l + 1] = left.sepScores[from];
    b.sepMembers[l + 1] = left.sepMembers[from];
    Arrays.fill(left.kids, from, left.n, null);
    Arrays.fill(left.sepMembers, from, left.n, null);
    left.n = from;
    right.n += k;
    b.counts[l] -= moved;
    b.counts[l + 1] += moved;
  }

  // ---- queries ----

  /** 0-based rank of member (ascending), or -1. */
  public long rank(byte[] member) {
    Double score = score(member);
    if (score == null) {
      return -1;
    }
    double s = score;
    long rank = 0;
    Page p = root;
    while (p instanceof Branch b) {
      int i = childIndex(b, s, member);
      for (int j = 0; j < i; j++) {
        rank += b.counts[j];
      }
      p = b.kids[i];
    }
    return rank + lowerBound((Leaf) p, s, member);
  }

  /** The element at 0-based rank, or null. */
  public Node byRank(long rank) {
    if (rank < 0 || rank >= length) {
      return null;
    }
    Page p = root;
    while (p instanceof Branch b) {
      int i = 0;
      while (rank >= b.counts[i]) {
        rank -= b.counts[i++];
      }
      p = b.kids[i];
    }
    return new Node((Leaf) p, (int) rank);
  }

  public Node first() {
    return length == 0 ? null : new Node(first, 0);
  }

  public Node last() {
    return length == 0 ? null : new Node(last, last.n - 1);
  }

  /** A property of keys that is false for a prefix of the set's order and true after it. */
  private interface Bound {
    boolean reached(double score, byte[] member);
  }

  /** The first element for which the bound is reached, or null. */
  private Node firstReaching(Bound bound) {
    Page p = root;
    while (p instanceof Branch b) {
      // the last child whose separator has not reached the bound holds the answer, or the answer
      // is the first element after it (every key of the next child has reached it)
      int i = b.n - 1;
      while (i > 0 && bound.reached(b.sepScores[i], b.sepMembers[i])) {
        i--;
      }
      p = b.kids[i];
    }
    Leaf leaf = (Leaf) p;
    int i = 0;
    while (i < leaf.n && !bound.reached(leaf.scores[i], leaf.members[i])) {
      i++;
    }
    return Node.at(leaf, i);
  }

  /** The last element before the first one reaching the bound, or the last element. */
  private Node lastBefore(Bound bound) {
    Node n = firstReaching(bound);
    return n == null ? last() : n.previous();
  }

  /** First element whose score is in range (ascending), or null. */
  public Node firstInRange(ScoreRange r) {
    Node n = firstReaching((s, m) -> r.aboveMin(s));
    return n != null && r.belowMax(n.score) ? n : null;
  }

  /** Last element whose score is in range, or null. */
  public Node lastInRange(ScoreRange r) {
    Node n = lastBefore((s, m) -> !r.belowMax(s));
    return n != null && r.aboveMin(n.score) ? n : null;
  }

  public Node firstInLex(LexRange r) {
    Node n = firstReaching((s, m) -> r.aboveMin(m));
    return n != null && r.belowMax(n.member) ? n : null;
  }

  public Node lastInLex(LexRange r) {
    Node n = lastBefore((s, m) -> !r.belowMax(m));
    return n != null && r.aboveMin(n.member) ? n : null;
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
