package dev.cairn.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The precondition of the objects only {@code mode: replicated} has (sentinels, their Service, the
 * replicas' Service): when false the workflow deletes them, so switching to standalone leaves none.
 */
public class ReplicatedMode implements Condition<HasMetadata, CacheCluster> {
  @Override
  public boolean isMet(
      DependentResource<HasMetadata, CacheCluster> dependentResource,
      CacheCluster primary,
      Context<CacheCluster> context) {
    return primary.getSpec().replicated();
  }
}
