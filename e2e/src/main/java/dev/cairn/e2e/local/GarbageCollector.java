package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' garbage collector, which the mock API server lacks: an object whose every owner
 * reference points at an object that no longer exists is deleted (background cascading deletion).
 * This is what removes a cluster's StatefulSet, Services and ConfigMap when its custom resource is
 * deleted, and a StatefulSet's Pods after it.
 */
final class GarbageCollector {
  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  private final KubernetesClient client;

  GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  void collect() {
    // Dependents are listed before owners: an owner created after this list cannot be missed.
    List<HasMetadata> dependents = new ArrayList<>();
    dependents.addAll(client.pods().inAnyNamespace().list().getItems());
    dependents.addAll(client.apps().statefulSets().inAnyNamespace().list().getItems());
    dependents.addAll(client.services().inAnyNamespace().list().getItems());
    dependents.addAll(client.configMaps().inAnyNamespace().list().getItems());
    dependents.addAll(client.secrets().inAnyNamespace().list().getItems());
    dependents.addAll(client.serviceAccounts().inAnyNamespace().list().getItems());
    dependents.addAll(
        client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems());
    dependents.removeIf(d ->
        d.getMetadata().getOwnerReferences() == null
            || d.getMetadata().getOwnerReferences().isEmpty());
    if (dependents.isEmpty()) {
      return;
    }
    Set<String> live = new HashSet<>();
    Set<String> ownerKinds = new HashSet<>(Set.of("StatefulSet"));
    client
        .apps()
        .statefulSets()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(s -> live.add(s.getMetadata().getUid()));
    for (CustomResourceDefinition crd :
        client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      ownerKinds.add(crd.getSpec().getNames().getKind());
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        ResourceDefinitionContext context =
            new ResourceDefinitionContext.Builder()
                .withGroup(crd.getSpec().getGroup())
                .withVersion(version.getName())
                .withKind(crd.getSpec().getNames().getKind())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
                .build();
        for (GenericKubernetesResource r :
            client.genericKubernetesResources(context).inAnyNamespace().list().getItems()) {
          live.add(r.getMetadata().getUid());
        }
      }
    }
    for (HasMetadata dependent : dependents) {
      List<OwnerReference> owners = dependent.getMetadata().getOwnerReferences();
      // Only owners of kinds listed above can be judged gone; any other owner keeps the object.
      if (owners.stream()
          .noneMatch(o -> live.contains(o.getUid()) || !ownerKinds.contains(o.getKind()))) {
        log.info(
            "garbage collector deleting {} {}/{} (owner gone)",
            dependent.getKind(),
            dependent.getMetadata().getNamespace(),
            dependent.getMetadata().getName());
        client.resource(dependent).delete();
      }
    }
  }
}
