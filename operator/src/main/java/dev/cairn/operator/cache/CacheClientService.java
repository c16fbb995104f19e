package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterClientService;
import dev.cairn.operator.common.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The client Service of a CacheCluster; see {@link ClusterClientService}. When replicated it
 * selects only the pod the operator labelled primary (the one the sentinels name), so it follows a
 * failover.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheClientService extends ClusterClientService<CacheCluster> {
  @Override
  public Service desired(CacheCluster primary, Context<CacheCluster> context) {
    Service service = super.desired(primary, context);
    if (primary.getSpec().replicated()) {
      service.getSpec().getSelector().put(CacheSentinels.ROLE, CacheSentinels.PRIMARY);
    }
    return service;
  }
}
