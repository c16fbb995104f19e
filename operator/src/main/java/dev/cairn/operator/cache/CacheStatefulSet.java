package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterStatefulSet;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The StatefulSet of a CacheCluster; see {@link ClusterStatefulSet}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheStatefulSet extends ClusterStatefulSet<CacheCluster> {}
