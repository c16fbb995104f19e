package dev.cairn.cache.sentinel;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sentinel reads in a monitored server's INFO, as Redis's sentinelRefreshInstanceInfo reads
 * it: the run id, the role, a primary's replicas ({@code slaveN:ip=..,port=..,state=..,offset=..})
 * and offset; a replica's primary, link status, priority and offset.
 */
public record InfoReply(
    String runId,
    boolean master,
    List<Address> replicas,
    String masterHost,
    int masterPort,
    boolean masterLinkUp,
    long masterLinkDownMillis,
    int priority,
    long replOffset,
    long masterReplOffset,
    boolean announced) {

  public static InfoReply parse(String text) {
    String runId = null;
    boolean master = true;
    List<Address> replicas = new ArrayList<>();
    String masterHost = null;
    int masterPort = 0;
    boolean linkUp = false;
    long linkDown = 0;
    int priority = 100;
    long offset = 0;
    long masterOffset = 0;
    boolean announced = true;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1);
      try {
        switch (key) {
          case "run_id" -> runId = value;
          case "role" -> master = value.equals("master");
          case "master_host" -> masterHost = value;
          case "master_port" -> masterPort = Integer.parseInt(value);
          case "master_link_status" -> linkUp = value.equals("up");
          case "master_link_down_since_seconds" -> linkDown = Long.parseLong(value) * 1000;
          case "slave_priority", "replica_priority" -> priority = Integer.parseInt(value);
          case "slave_repl_offset" -> offset = Long.parseLong(value);
          case "master_repl_offset" -> masterOffset = Long.parseLong(value);
          case "replica_announced" -> announced = !value.equals("0");
          default -> {
            if (key.startsWith("slave") && key.length() > 5 && Character.isDigit(key.charAt(5))) {
              Address a = replica(value);
              if (a != null) {
                replicas.add(a);
              }
            }
          }
        }
      } catch (IllegalArgumentException e) {
        // a field we cannot read is skipped, as Redis skips it
      }
    }
    return new InfoReply(
        runId,
        master,
        List.copyOf(replicas),
        masterHost,
        masterPort,
        linkUp,
        linkDown,
        priority,
        offset,
        masterOffset,
        announced);
  }

  /** {@code ip=..,port=..,state=..,offset=..,lag=..}. */
  private static Address replica(String fields) {
    String ip = null;
    int port = -1;
    for (String f : fields.split(",")) {
      if (f.startsWith("ip=")) {
        ip = f.substring(3);
      } else if (f.startsWith("port=")) {
        port = Integer.parseInt(f.substring(5));
      }
    }
    return ip == null || port <= 0 ? null : new Address(ip, port);
  }
}
