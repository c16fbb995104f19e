package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterServiceAccount;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The ServiceAccount of a BrokerCluster; see {@link ClusterServiceAccount}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class BrokerServiceAccount extends ClusterServiceAccount<BrokerCluster> {}
