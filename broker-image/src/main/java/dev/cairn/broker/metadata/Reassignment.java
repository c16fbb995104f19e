package dev.cairn.broker.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A partition reassignment in progress, as {@code /admin/reassignments/<topic>/<partition>}: the
 * replicas asked for and those the partition had when it began (kept so a cancellation goes back to
 * them).
 */
public record Reassignment(List<Integer> target, List<Integer> original) {
  public Reassignment {
    target = List.copyOf(target);
    original = List.copyOf(original);
  }

  /** Replicas being added: in the target, not in the original. */
  public List<Integer> adding() {
    return target.stream().filter(r -> !original.contains(r)).toList();
  }

  /** Replicas being removed: in the original, not in the target. */
  public List<Integer> removing() {
    return original.stream().filter(r -> !target.contains(r)).toList();
  }

  /** The replica list while both sets replicate: the target first, then those leaving. */
  public List<Integer> union() {
    java.util.ArrayList<Integer> all = new java.util.ArrayList<>(target);
    all.addAll(removing());
    return all;
  }

  public byte[] encode() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("target", ZnodeText.ints(target));
    f.put("original", ZnodeText.ints(original));
    return ZnodeText.encode(f);
  }

  public static Reassignment decode(byte[] data) {
    Map<String, String> f = ZnodeText.decode(data);
    return new Reassignment(
        ZnodeText.parseInts(f.get("target")), ZnodeText.parseInts(f.get("original")));
  }
}
