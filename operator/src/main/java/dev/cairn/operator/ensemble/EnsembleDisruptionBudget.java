package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.ClusterDisruptionBudget;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The PodDisruptionBudget of a Ensemble; see {@link ClusterDisruptionBudget}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class EnsembleDisruptionBudget extends ClusterDisruptionBudget<Ensemble> {}
