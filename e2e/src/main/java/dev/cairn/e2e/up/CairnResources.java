package dev.cairn.e2e.up;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads Cairn's custom resources generically (by their CRDs in the API), so the local-cluster
 * tooling needs no compile-time dependency on the operator's classes.
 */
final class CairnResources {
  static final String GROUP = "cairn.dev";

  /** Standard client port per kind, for the endpoints printed to people. */
  static final Map<String, Integer> CLIENT_PORTS =
      Map.of("Ensemble", 2181, "BrokerCluster", 9092, "CacheCluster", 6379);

  static final Map<String, Integer> ADMIN_PORTS =
      Map.of("Ensemble", 7000, "BrokerCluster", 9404, "CacheCluster", 9121);

  private CairnResources() {}

  /** Every resource of every cairn.dev kind, in kind order of the CRDs. */
  static List<GenericKubernetesResource> list(KubernetesClient client) {
    List<GenericKubernetesResource> all = new ArrayList<>();
    for (ResourceDefinitionContext context : kinds(client)) {
      all.addAll(client.genericKubernetesResources(context).inAnyNamespace().list().getItems());
    }
    return all;
  }

  /** The resource kinds of group cairn.dev, from their CRDs in the API. */
  static List<ResourceDefinitionContext> kinds(KubernetesClient client) {
    List<ResourceDefinitionContext> kinds = new ArrayList<>();
    for (CustomResourceDefinition crd :
        client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (GROUP.equals(crd.getSpec().getGroup())) {
        kinds.add(
            new ResourceDefinitionContext.Builder()
                .withGroup(GROUP)
                .withVersion(crd.getSpec().getVersions().get(0).getName())
                .withKind(crd.getSpec().getNames().getKind())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withNamespaced(true)
                .build());
      }
    }
    return kinds;
  }

  /** The kind named {@code kind} of group cairn.dev. */
  static ResourceDefinitionContext kind(KubernetesClient client, String kind) {
    return kinds(client).stream()
        .filter(k -> k.getKind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no CRD for kind " + kind));
  }

  /** The status of condition {@code type} ("True", "False", "Unknown") and its message. */
  @SuppressWarnings("unchecked")
  static Condition condition(GenericKubernetesResource r, String type) {
    Object status = r.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return new Condition("Unknown", "", "no status yet");
    }
    for (Object c : conditions) {
      Map<String, Object> condition = (Map<String, Object>) c;
      if (type.equals(condition.get("type"))) {
        return new Condition(
            String.valueOf(condition.get("status")),
            String.valueOf(Objects.requireNonNullElse(condition.get("reason"), "")),
            String.valueOf(Objects.requireNonNullElse(condition.get("message"), "")));
      }
    }
    return new Condition("Unknown", "", "no " + type + " condition yet");
  }

  static boolean ready(GenericKubernetesResource r) {
    return "True".equals(condition(r, "Ready").status());
  }

  /** The pods of a cluster resource (by the app.kubernetes.io/instance label), by name. */
  static List<Pod> pods(KubernetesClient client, GenericKubernetesResource r) {
    return client
        .pods()
        .inNamespace(r.getMetadata().getNamespace())
        .withLabel("app.kubernetes.io/instance", r.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
        .toList();
  }

  static String id(GenericKubernetesResource r) {
    return r.getKind() + "/" + r.getMetadata().getName();
  }

  record Condition(String status, String reason, String message) {
    @Override
    public String toString() {
      return status
          + (reason.isEmpty() ? "" : " (" + reason + ")")
          + (message.isEmpty() ? "" : ": " + message);
    }
  }
}
