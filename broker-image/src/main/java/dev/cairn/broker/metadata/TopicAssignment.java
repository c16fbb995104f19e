package dev.cairn.broker.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A topic's identity and replica assignment: partition → ordered replica list (the first is the
 * preferred leader). Payload of {@code /brokers/topics/<topic>}: {@code topic_id=<uuid>} and {@code
 * partitions=0:1,2;1:2,0}.
 */
public record TopicAssignment(Uuid topicId, Map<Integer, List<Integer>> replicas) {

  public TopicAssignment {
    replicas = new TreeMap<>(replicas);
  }

  public byte[] encode() {
    StringBuilder sb = new StringBuilder();
    replicas.forEach((p, r) -> {
      if (!sb.isEmpty()) {
        sb.append(';');
      }
      sb.append(p).append(':').append(ZnodeText.ints(r));
    });
    Map<String, String> f = new LinkedHashMap<>();
    f.put("topic_id", topicId.toString());
    f.put("partitions", sb.toString());
    return ZnodeText.encode(f);
  }

  public static TopicAssignment decode(byte[] data) {
    Map<String, String> f = ZnodeText.decode(data);
    Map<Integer, List<Integer>> replicas = new TreeMap<>();
    String parts = f.getOrDefault("partitions", "");
    if (!parts.isBlank()) {
      for (String entry : parts.split(";")) {
        int colon = entry.indexOf(':');
        replicas.put(
            Integer.parseInt(entry.substring(0, colon)),
            new ArrayList<>(ZnodeText.parseInts(entry.substring(colon + 1))));
      }
    }
    return new TopicAssignment(Uuid.fromString(f.get("topic_id")), replicas);
  }
}
