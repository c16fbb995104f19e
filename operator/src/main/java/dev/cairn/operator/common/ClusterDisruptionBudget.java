package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The PodDisruptionBudget: at most one pod of a cluster voluntarily down at a time (node drains),
 * the same rule the operator's own rolling restart follows, so a drain never costs a quorum.
 */
public abstract class ClusterDisruptionBudget<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, P> {
  protected ClusterDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  public PodDisruptionBudget desired(P primary, Context<P> context) {
    EngineKind engine = primary.workload().engine();
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(Names.of(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, engine))
        .endMetadata()
        .withNewSpec()
        .withNewMaxUnavailable(1)
        .withNewSelector()
        .withMatchLabels(Labels.selector(primary, engine))
        .endSelector()
        .endSpec()
        .build();
  }
}
