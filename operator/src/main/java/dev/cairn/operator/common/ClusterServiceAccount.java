package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The pods' own ServiceAccount. Engines never call the Kubernetes API, so its token is not mounted;
 * it exists so that policies (image pull secrets, pod security) can target one cluster's pods.
 */
public abstract class ClusterServiceAccount<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<ServiceAccount, P> {
  protected ClusterServiceAccount() {
    super(ServiceAccount.class);
  }

  @Override
  public ServiceAccount desired(P primary, Context<P> context) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(Names.of(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, primary.workload().engine()))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
