package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterClientService;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The client Service of a CacheCluster; see {@link ClusterClientService}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheClientService extends ClusterClientService<CacheCluster> {}
