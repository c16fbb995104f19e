package dev.cairn.cache.stream;

import java.util.List;

/**
 * The number of nodes Redis's radix tree (rax.c) uses for a set of equal-length keys, which XINFO
 * STREAM reports as {@code radix-tree-nodes}: rax keeps chains of single-child prefixes in one
 * compressed node and a branching prefix in one node whose children each start a node, so the count
 * is the root, plus a node wherever a chain ends or a branch begins, plus one leaf per key. An
 * empty tree is its root alone.
 */
final class RaxShape {
  private RaxShape() {}

  /** Node count for distinct keys of one length, in ascending byte order. */
  static long nodes(List<byte[]> sortedKeys) {
    if (sortedKeys.isEmpty()) {
      return 1;
    }
    return count(sortedKeys, 0, sortedKeys.size(), 0);
  }

  /** Nodes of the subtree at prefix length {@code depth} holding keys [from, to). */
  private static long count(List<byte[]> keys, int from, int to, int depth) {
    int length = keys.get(from).length;
    if (depth == length) {
      return 1; // a key's leaf
    }
    if (to - from == 1) {
      return 2; // one compressed node for the rest of the key, then its leaf
    }
    byte[] first = keys.get(from);
    byte[] last = keys.get(to - 1);
    if (first[depth] == last[depth]) {
      // single child: a compressed chain up to where the keys part
      int d = depth;
      while (first[d] == last[d]) {
        d++;
      }
      return 1 + count(keys, from, to, d);
    }
    long n = 1; // the branching node
    int start = from;
    for (int i = from + 1; i <= to; i++) {
      if (i == to || keys.get(i)[depth] != keys.get(start)[depth]) {
        n += count(keys, start, i, depth + 1);
        start = i;
      }
    }
    return n;
  }
}
