package dev.cairn.operator.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the StatefulSet controller and the kubelet, which the mock API server lacks: every
 * {@link #TICK_MS} it creates missing pods {@code <sts>-<i>} from the StatefulSet's current
 * template (not ready, with a pod IP of its own that a recreated pod does not keep, as on
 * Kubernetes), and marks pods that existed at the previous tick Ready, so each pod is seen not
 * ready at least once. A pod that disappears (deleted by the operator) is recorded in {@link
 * #restarts()} and recreated, like {@code updateStrategy: OnDelete} does.
 */
public final class StatefulSetSimulator implements AutoCloseable {
  static final long TICK_MS = 100;

  private final KubernetesClient client;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final List<String> restarts = new CopyOnWriteArrayList<>();
  private final Set<String> unready = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ips = new AtomicInteger();

  public StatefulSetSimulator(KubernetesClient client) {
    this.client = client;
    ticker.scheduleWithFixedDelay(this::tickQuietly, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** Pods ({@code namespace/name}) of {@code namespace} deleted and recreated, in order. */
  public List<String> restarts(String namespace) {
    return restarts.stream()
        .filter(k -> k.startsWith(namespace + "/"))
        .map(k -> k.substring(namespace.length() + 1))
        .toList();
  }

  /**
   * Whether the pods of {@code namespace} pass their readiness probe (false: a failing /readyz).
   */
  public void readiness(String namespace, boolean on) {
    if (on) {
      unready.remove(namespace);
    } else {
      unready.add(namespace);
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      // The mock server is shutting down at the end of a test.
    }
  }

  private void tick() {
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      String ns = sts.getMetadata().getNamespace();
      int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
      for (int i = 0; i < replicas; i++) {
        String name = sts.getMetadata().getName() + "-" + i;
        String key = ns + "/" + name;
        Pod pod = client.pods().inNamespace(ns).withName(name).get();
        if (pod == null) {
          if (known.remove(key)) {
            restarts.add(key);
          }
          // Re-read the StatefulSet: the operator updates it before deleting a pod, so a fresh
          // read has the template the pod must come back with (the listed copy may predate it).
          StatefulSet current =
              client
                  .apps()
                  .statefulSets()
                  .inNamespace(ns)
                  .withName(sts.getMetadata().getName())
                  .get();
          client.pods().inNamespace(ns).resource(fromTemplate(current, name, i)).create();
          known.add(key);
        } else if (ready(pod) == unready.contains(ns)) {
          pod.getStatus().setConditions(List.of(readyCondition(!unready.contains(ns))));
          client.pods().inNamespace(ns).resource(pod).updateStatus();
        }
      }
    }
  }

  private Pod fromTemplate(StatefulSet sts, String name, int ordinal) {
    int n = ips.incrementAndGet();
    Map<String, String> labels =
        new HashMap<>(sts.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(sts.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(sts.getSpec().getTemplate().getMetadata().getAnnotations())
        .endMetadata()
        .withSpec(sts.getSpec().getTemplate().getSpec())
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0." + (n / 250) + "." + (n % 250 + 1))
        .endStatus()
        .build();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static PodCondition readyCondition(boolean ready) {
    return new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
