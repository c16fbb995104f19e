package dev.cairn.operator.ensemble;

import dev.cairn.operator.ensemble.ServerState.Role;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Coordinator servers scripted from the pods of the mock API server, found by pod IP as the
 * operator probes them: a Ready pod's server serves, pod {@code <name>-1} leads, and the leader
 * counts every other Ready pod as an in-sync follower unless the test marks it lagging. A test can
 * also take a namespace's quorum away.
 */
final class ScriptedServers implements ServerProbe {
  private final KubernetesClient client;
  private final Set<String> lagging = ConcurrentHashMap.newKeySet();
  private final Set<String> withoutQuorum = ConcurrentHashMap.newKeySet();

  ScriptedServers(KubernetesClient client) {
    this.client = client;
  }

  /** Whether pod {@code ns/pod}'s server falls behind its leader. */
  void lagging(String ns, String pod, boolean on) {
    if (on) {
      lagging.add(ns + "/" + pod);
    } else {
      lagging.remove(ns + "/" + pod);
    }
  }

  /** Whether the servers of {@code ns} have lost their quorum (none serves). */
  void quorum(String ns, boolean on) {
    if (on) {
      withoutQuorum.remove(ns);
    } else {
      withoutQuorum.add(ns);
    }
  }

  @Override
  public ServerState probe(String ip, int clientPort) {
    Pod byIp =
        client.pods().inAnyNamespace().list().getItems().stream()
            .filter(p -> p.getStatus() != null && ip.equals(p.getStatus().getPodIP()))
            .findFirst()
            .orElse(null);
    if (byIp == null) {
      return ServerState.UNKNOWN;
    }
    String pod = byIp.getMetadata().getName();
    String ns = byIp.getMetadata().getNamespace();
    if (withoutQuorum.contains(ns) && client.pods().inNamespace(ns).withName(pod).get() != null) {
      return ServerState.NOT_SERVING;
    }
    if (!ready(ns, pod)) {
      return ServerState.UNKNOWN;
    }
    if (!pod.endsWith("-1")) {
      return new ServerState(Role.FOLLOWER, 0x100000005L, -1);
    }
    String prefix = pod.substring(0, pod.length() - 1);
    int synced = 0;
    for (Pod other : client.pods().inNamespace(ns).list().getItems()) {
      String name = other.getMetadata().getName();
      if (name.startsWith(prefix)
          && !name.equals(pod)
          && ready(ns, name)
          && !lagging.contains(ns + "/" + name)) {
        synced++;
      }
    }
    return new ServerState(Role.LEADER, 0x100000005L, synced);
  }

  private boolean ready(String ns, String pod) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    return p != null
        && p.getMetadata().getDeletionTimestamp() == null
        && p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
