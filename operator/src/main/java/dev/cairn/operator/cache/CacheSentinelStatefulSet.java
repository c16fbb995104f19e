package dev.cairn.operator.cache;

import dev.cairn.operator.common.Labels;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The sentinels' StatefulSet of a replicated CacheCluster; see {@link CacheSentinels}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheSentinelStatefulSet
    extends CRUDKubernetesDependentResource<StatefulSet, CacheCluster> {
  public CacheSentinelStatefulSet() {
    super(StatefulSet.class);
  }

  @Override
  protected StatefulSet desired(CacheCluster primary, Context<CacheCluster> context) {
    return CacheSentinels.statefulSet(primary);
  }
}
