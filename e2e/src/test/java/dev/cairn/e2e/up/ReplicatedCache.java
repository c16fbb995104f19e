package dev.cairn.e2e.up;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/**
 * A replicated CacheCluster in the local cluster as the end-to-end tests see it: the pod labelled
 * primary, the status, the addresses its Services resolve to, its sentinels.
 */
final class ReplicatedCache implements AutoCloseable {
  static final ResourceDefinitionContext CACHE =
      new ResourceDefinitionContext.Builder()
          .withGroup("cairn.dev")
          .withVersion("v1alpha1")
          .withPlural("cacheclusters")
          .withKind("CacheCluster")
          .withNamespaced(true)
          .build();

  private static final String CONFIG_HASH = "cairn.dev/config-hash";

  final String ns;
  final String name;
  private final LocalPlatform platform;
  private final KubernetesClient client;

  final Path home;

  private ReplicatedCache(LocalPlatform platform, Path home, String ns, String name) {
    this.platform = platform;
    this.client = platform.client();
    this.home = home;
    this.ns = ns;
    this.name = name;
  }

  /**
   * A local cluster (under {@code e2e/target/e2e-<name>-<millis>}) running {@code
   * examples/replicated/<example>}, whose CacheCluster {@code name} in namespace default is Ready.
   */
  static ReplicatedCache start(String example, String name) throws Exception {
    Path module = Path.of(System.getProperty("user.dir"));
    Path root = module.getParent();
    Path home = module.resolve("target/e2e-" + name + "-" + System.currentTimeMillis());
    LocalPlatform platform = LocalPlatform.start(root, home, 0);
    try {
      platform.apply(root.resolve("examples/replicated/" + example));
      platform.awaitAllReady(Duration.ofSeconds(60), line -> System.out.println("e2e: " + line));
    } catch (Exception | Error e) {
      platform.close();
      throw e;
    }
    return new ReplicatedCache(platform, home, "default", name);
  }

  LocalPlatform platform() {
    return platform;
  }

  @Override
  public void close() {
    platform.close();
  }

  /** The pod labelled {@code cairn.dev/role=primary}, waiting up to 20 s for one. */
  Pod primaryPod() {
    return await().atMost(Duration.ofSeconds(20)).until(this::primaryPodOrNull, p -> p != null);
  }

  /** Deletes the primary's pod and waits up to 45 s for another pod to be labelled primary. */
  Pod deleteAndAwaitAnotherPrimary(Pod primary) {
    String old = primary.getMetadata().getName();
    client.pods().inNamespace(ns).withName(old).delete();
    return await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(250))
        .until(this::primaryPodOrNull, p -> p != null && !p.getMetadata().getName().equals(old));
  }

  Pod primaryPodOrNull() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/instance", name)
        .withLabel("cairn.dev/role", "primary")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .findFirst()
        .orElse(null);
  }

  /** The sentinel pods' addresses, as a Sentinel-aware client is configured with. */
  Set<HostAndPort> sentinels() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/instance", name)
        .withLabel("app.kubernetes.io/component", "sentinel")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .map(p -> new HostAndPort(p.getStatus().getPodIP(), 26379))
        .collect(Collectors.toSet());
  }

  GenericKubernetesResource resource() {
    return client.genericKubernetesResources(CACHE).inNamespace(ns).withName(name).get();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status() {
    return (Map<String, Object>) resource().getAdditionalProperties().get("status");
  }

  /** The status of the condition {@code type} ("True", "False"), or null. */
  @SuppressWarnings("unchecked")
  String condition(String type) {
    Map<String, Object> status = status();
    Object conditions = status == null ? null : status.get("conditions");
    if (conditions == null) {
      return null;
    }
    return ((List<Map<String, Object>>) conditions)
        .stream()
            .filter(c -> type.equals(c.get("type")))
            .map(c -> String.valueOf(c.get("status")))
            .findFirst()
            .orElse(null);
  }

  /**
   * The server and sentinel pods whose config hash or image is not their StatefulSet's template's:
   * what a rolling restart still has to restart.
   */
  List<String> podsOutdated() {
    List<String> outdated = new java.util.ArrayList<>();
    for (String sts : List.of(name, name + "-sentinel")) {
      StatefulSet set = client.apps().statefulSets().inNamespace(ns).withName(sts).get();
      var template = set.getSpec().getTemplate();
      String hash = template.getMetadata().getAnnotations().get(CONFIG_HASH);
      String image = template.getSpec().getContainers().get(0).getImage();
      for (Pod p :
          client
              .pods()
              .inNamespace(ns)
              .withLabels(set.getSpec().getSelector().getMatchLabels())
              .list()
              .getItems()) {
        if (!hash.equals(p.getMetadata().getAnnotations().get(CONFIG_HASH))
            || !image.equals(p.getSpec().getContainers().get(0).getImage())
            || p.getMetadata().getDeletionTimestamp() != null) {
          outdated.add(p.getMetadata().getName());
        }
      }
      if (client
              .pods()
              .inNamespace(ns)
              .withLabels(set.getSpec().getSelector().getMatchLabels())
              .list()
              .getItems()
              .size()
          < set.getSpec().getReplicas()) {
        outdated.add(sts + " (pods missing)");
      }
    }
    return outdated;
  }

  /** status.replicas: pod, state, offset, lagSeconds of each replica the primary lists. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> replicas() {
    Object replicas = status().get("replicas");
    return replicas == null ? List.of() : (List<Map<String, Object>>) replicas;
  }

  /** The addresses the local cluster's DNS gives a Service: what a client in a pod connects to. */
  List<String> serviceAddresses(String service) throws IOException {
    String host = service + "." + ns + ".svc.cluster.local";
    return Files.readAllLines(platform.cluster().hostsFile()).stream()
        .map(String::trim)
        .filter(l -> !l.startsWith("#"))
        .map(l -> l.split("\\s+"))
        .filter(w -> w.length > 1 && List.of(w).subList(1, w.length).contains(host))
        .map(w -> w[0])
        .distinct()
        .toList();
  }
}
