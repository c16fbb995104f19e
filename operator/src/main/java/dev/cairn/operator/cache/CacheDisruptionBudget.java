package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterDisruptionBudget;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The PodDisruptionBudget of a CacheCluster; see {@link ClusterDisruptionBudget}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheDisruptionBudget extends ClusterDisruptionBudget<CacheCluster> {}
