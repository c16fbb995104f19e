package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterConfigMap;
import dev.cairn.operator.common.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The ConfigMap of a CacheCluster; see {@link ClusterConfigMap}. When replicated it also holds the
 * sentinels' seed {@code sentinel.conf}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheConfigMap extends ClusterConfigMap<CacheCluster> {
  @Override
  public ConfigMap desired(CacheCluster primary, Context<CacheCluster> context) {
    ConfigMap map = super.desired(primary, context);
    if (primary.getSpec().replicated()) {
      map.getData().put(CacheSentinels.CONFIG_KEY, CacheSentinels.config());
    }
    return map;
  }
}
