package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The ClusterIP Service clients connect to: {@code <name>.<namespace>.svc}. It routes only to ready
 * pods, so a client is never sent to an engine still loading its data.
 */
public abstract class ClusterClientService<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<Service, P> {
  protected ClusterClientService() {
    super(Service.class);
  }

  @Override
  public Service desired(P primary, Context<P> context) {
    Workload w = primary.workload();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.of(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, w.engine()))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(primary, w.engine()))
        .withPorts(w.clientPorts())
        .endSpec()
        .build();
  }
}
