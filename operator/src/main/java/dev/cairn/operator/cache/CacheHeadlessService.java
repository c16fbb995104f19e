package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterHeadlessService;
import dev.cairn.operator.common.Labels;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The headless Service of a CacheCluster; see {@link ClusterHeadlessService}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class CacheHeadlessService extends ClusterHeadlessService<CacheCluster> {}
