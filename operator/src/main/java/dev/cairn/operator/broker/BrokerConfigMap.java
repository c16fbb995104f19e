package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterConfigMap;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The ConfigMap of a BrokerCluster; see {@link ClusterConfigMap}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class BrokerConfigMap extends ClusterConfigMap<BrokerCluster> {}
