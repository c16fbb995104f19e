package dev.cairn.broker.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload format of metadata znodes: UTF-8 {@code key=value} lines, in insertion order —
 * readable with zkCli's {@code get}. Values must not contain newlines; keys not '='.
 */
public final class ZnodeText {
  private ZnodeText() {}

  public static byte[] encode(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    fields.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static Map<String, String> decode(byte[] data) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (data == null) {
      return fields;
    }
    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return fields;
  }

  public static String ints(List<Integer> values) {
    StringBuilder sb = new StringBuilder();
    for (int v : values) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(v);
    }
    return sb.toString();
  }

  public static List<Integer> parseInts(String text) {
    List<Integer> result = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return result;
    }
    for (String part : text.split(",")) {
      result.add(Integer.parseInt(part.trim()));
    }
    return result;
  }
}
