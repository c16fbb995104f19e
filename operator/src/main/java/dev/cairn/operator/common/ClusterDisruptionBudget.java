package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.Map;

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
    return of(primary, engine, Names.of(primary), Labels.selector(primary, engine));
  }

  /** At most one of the pods {@code selector} selects voluntarily down. */
  public static PodDisruptionBudget of(
      HasMetadata primary, EngineKind engine, String name, Map<String, String> selector) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, engine))
        .endMetadata()
        .withNewSpec()
        .withNewMaxUnavailable(1)
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .endSpec()
        .build();
  }
}
