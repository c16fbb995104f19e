package dev.cairn.operator.cache;

import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** {@code <name>-replicas}: the cache servers the operator labels replicas. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheReplicasService extends CRUDKubernetesDependentResource<Service, CacheCluster> {
  public CacheReplicasService() {
    super(Service.class);
  }

  @Override
  protected Service desired(CacheCluster primary, Context<CacheCluster> context) {
    return CacheSentinels.replicasService(primary, Labels.selector(primary, EngineKind.CACHE));
  }
}
