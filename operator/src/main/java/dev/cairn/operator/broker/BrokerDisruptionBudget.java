package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterDisruptionBudget;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The PodDisruptionBudget of a BrokerCluster; see {@link ClusterDisruptionBudget}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class BrokerDisruptionBudget extends ClusterDisruptionBudget<BrokerCluster> {}
