package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterClientService;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The client Service of a BrokerCluster; see {@link ClusterClientService}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class BrokerClientService extends ClusterClientService<BrokerCluster> {}
