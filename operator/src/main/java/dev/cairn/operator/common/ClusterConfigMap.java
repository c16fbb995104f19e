package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The ConfigMap holding the engine's native config file under its usual name (zoo.cfg,
 * server.properties, redis.conf), mounted read-only at {@code /etc/cairn}. Secrets never go here:
 * they reach the engine through environment variables from their Secret.
 */
public abstract class ClusterConfigMap<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<ConfigMap, P> {
  protected ClusterConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  public ConfigMap desired(P primary, Context<P> context) {
    Workload w = primary.workload();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.config(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, w.engine()))
        .addToAnnotations(Workload.CONFIG_HASH, w.configHash())
        .endMetadata()
        .addToData(w.engine().configFile(), w.config())
        .build();
  }
}
