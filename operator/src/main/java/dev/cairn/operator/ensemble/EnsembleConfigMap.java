package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.ClusterConfigMap;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The ConfigMap of a Ensemble; see {@link ClusterConfigMap}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class EnsembleConfigMap extends ClusterConfigMap<Ensemble> {}
