package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterDisruptionBudget;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Labels;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * {@code <name>-sentinel}: at most one sentinel voluntarily down (a node drain), so a majority is
 * always there to elect a failover leader. The servers' budget selects only the servers.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheSentinelDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, CacheCluster> {
  public CacheSentinelDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(CacheCluster cache, Context<CacheCluster> context) {
    return ClusterDisruptionBudget.of(
        cache, EngineKind.CACHE, CacheSentinels.name(cache), CacheSentinels.selector(cache));
  }
}
