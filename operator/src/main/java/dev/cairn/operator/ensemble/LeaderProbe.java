package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.Names;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.RoleProbe;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Finds the ensemble leader with ZooKeeper's {@code srvr} four-letter command on each ready pod's
 * client port: the answer has a {@code Mode: leader|follower|standalone} line. A single-server
 * ensemble is its own leader, no question asked. Each probe is bounded by {@link #TIMEOUT_MS} so an
 * unreachable pod cannot stall a reconcile.
 */
public final class LeaderProbe implements RoleProbe {
  static final int TIMEOUT_MS = 1000;

  @Override
  public String holder(HasMetadata primary, List<PodView> pods) {
    if (pods.size() == 1) {
      return pods.get(0).name();
    }
    for (PodView pod : pods) {
      if (pod.ready() && mode(Names.podHost(primary, pod.ordinal())).equals("leader")) {
        return pod.name();
      }
    }
    return null;
  }

  /** The server's mode, or "unknown". */
  static String mode(String host) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, EnsembleWorkload.CLIENT_PORT), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String answer = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      for (String line : answer.split("\n")) {
        if (line.startsWith("Mode:")) {
          return line.substring(5).trim();
        }
      }
    } catch (IOException e) {
      // Not reachable or not answering four-letter words: the leader stays unknown.
    }
    return "unknown";
  }
}
