package dev.cairn.operator.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An engine's native config file format with the keys a user may set through {@code spec.config}.
 * Keys the operator derives from other spec fields are reserved (the message says which field to
 * use instead); keys outside the allow-list are rejected by name, because the engines refuse to
 * start on unknown keys and a pod in a crash loop is a worse place to learn that than the status.
 *
 * <p>Rendering is deterministic (operator keys first, then user keys sorted) so the config hash
 * only changes when the content does.
 *
 * @param separator between key and value: {@code "="} for zoo.cfg and server.properties, {@code "
 *     "} for redis.conf
 * @param reserved reserved key → the spec field that controls it
 */
public record NativeConfig(
    String fileName, String separator, Set<String> allowed, Map<String, String> reserved) {

  /** Throws {@link InvalidSpecException} listing every problem of {@code userKeys}. */
  public void validate(Map<String, String> userKeys) {
    if (userKeys == null) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(userKeys).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (reserved.containsKey(key)) {
        problems.add(
            fileName + " key '" + key + "' is set by the operator; use " + reserved.get(key));
      } else if (!allowed.contains(key)) {
        problems.add(
            fileName
                + " key '"
                + key
                + "' is not supported; allowed keys: "
                + String.join(", ", new java.util.TreeSet<>(allowed)));
      } else if (value == null || value.isBlank()) {
        problems.add(fileName + " key '" + key + "' has an empty value");
      } else if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        problems.add(fileName + " key '" + key + "' has a line break in its value");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(String.join("; ", problems));
    }
  }

  /** Validates {@code userKeys} and renders the file: operator keys, then user keys sorted. */
  public String render(Map<String, String> operatorKeys, Map<String, String> userKeys) {
    validate(userKeys);
    StringBuilder out =
        new StringBuilder("# ").append(fileName).append(" written by the Cairn operator\n");
    operatorKeys.forEach((k, v) -> out.append(k).append(separator).append(v).append('\n'));
    if (userKeys != null) {
      new TreeMap<>(userKeys)
          .forEach((k, v) -> out.append(k).append(separator).append(v.strip()).append('\n'));
    }
    return out.toString();
  }
}
