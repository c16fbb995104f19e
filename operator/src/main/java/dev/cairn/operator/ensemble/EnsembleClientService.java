package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.ClusterClientService;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The client Service of a Ensemble; see {@link ClusterClientService}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class EnsembleClientService extends ClusterClientService<Ensemble> {}
