package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cluster DNS for the local cluster: a hosts file in the format of {@code /etc/hosts}, which every
 * engine JVM reads through {@code -Djdk.net.hosts.file}. Names follow Kubernetes DNS: {@code
 * <pod>.<headless-svc>.<ns>.svc.cluster.local} for pods with a subdomain, and {@code
 * <svc>.<ns>.svc.cluster.local} (plus the short forms {@code <svc>.<ns>.svc}, {@code <svc>.<ns>})
 * resolving to the ready pods a Service selects, standing in for its cluster IP.
 */
public final class HostsFile {
  private final Path file;
  private String written = "";

  public HostsFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** Rewrites the file when the name → address map changed; atomic so readers never see half. */
  public synchronized void update(List<Pod> pods, List<Service> services) throws IOException {
    Map<String, TreeSet<String>> names = new TreeMap<>();
    for (Pod pod : pods) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      String subdomain = pod.getSpec().getSubdomain();
      if (ip == null || subdomain == null) {
        continue;
      }
      String ns = pod.getMetadata().getNamespace();
      String host =
          Objects.requireNonNullElse(pod.getSpec().getHostname(), pod.getMetadata().getName());
      for (String name : serviceNames(host + "." + subdomain, ns)) {
        add(names, name, ip);
      }
    }
    for (Service service : services) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      for (Pod pod : pods) {
        if (ns.equals(pod.getMetadata().getNamespace())
            && selects(selector, pod.getMetadata().getLabels())
            && (isReady(pod)
                || Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses()))
            && pod.getStatus().getPodIP() != null) {
          for (String name : serviceNames(service.getMetadata().getName(), ns)) {
            add(names, name, pod.getStatus().getPodIP());
          }
        }
      }
    }
    StringBuilder text = new StringBuilder("# written by the Cairn local cluster\n");
    names.forEach(
        (name, ips) -> ips.forEach(ip -> text.append(ip).append(' ').append(name).append('\n')));
    String content = text.toString();
    if (content.equals(written)) {
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    written = content;
  }

  private static List<String> serviceNames(String prefix, String ns) {
    return List.of(
        prefix + "." + ns + ".svc.cluster.local", prefix + "." + ns + ".svc", prefix + "." + ns);
  }

  private static void add(Map<String, TreeSet<String>> names, String name, String ip) {
    names.computeIfAbsent(name, n -> new TreeSet<>()).add(ip);
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
