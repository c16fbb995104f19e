package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the rolling restart and the engine probes need to know about one pod.
 *
 * @param ordinal the StatefulSet ordinal (the number after the last dash of the name)
 * @param ready the pod's Ready condition is True (its readiness probe, the engine's {@code
 *     /readyz}, passes)
 * @param configHash the pod's {@link Workload#CONFIG_HASH} annotation
 * @param image the engine container's image
 * @param terminating a deletion is under way
 * @param ip the pod's IP ({@code status.podIP}), null until it has one; probes use it rather than
 *     the pod's DNS name, which lags behind a restart and is cached negatively by the JVM
 */
public record PodView(
    String name,
    int ordinal,
    boolean ready,
    String configHash,
    String image,
    boolean terminating,
    String ip) {

  public static PodView of(Pod pod) {
    String name = pod.getMetadata().getName();
    boolean ready =
        pod.getStatus() != null
            && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    String hash =
        pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(Workload.CONFIG_HASH);
    String image =
        pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()
            ? null
            : pod.getSpec().getContainers().get(0).getImage();
    return new PodView(
        name,
        ordinal(name),
        ready,
        hash,
        image,
        pod.getMetadata().getDeletionTimestamp() != null,
        pod.getStatus() == null ? null : pod.getStatus().getPodIP());
  }

  static int ordinal(String podName) {
    int dash = podName.lastIndexOf('-');
    try {
      return Integer.parseInt(podName.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
