package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.ArrayList;
import java.util.List;

/**
 * The headless Service that gives every pod a stable DNS name ({@link Names#podHost}). It publishes
 * not-ready addresses: engines must reach peers that are still starting (a coordinator waiting for
 * quorum is not ready until its peers answer).
 */
public abstract class ClusterHeadlessService<P extends HasMetadata & CairnCluster>
    extends CRUDKubernetesDependentResource<Service, P> {
  protected ClusterHeadlessService() {
    super(Service.class);
  }

  @Override
  public Service desired(P primary, Context<P> context) {
    Workload w = primary.workload();
    List<ServicePort> ports = new ArrayList<>();
    for (ContainerPort p : w.ports()) {
      ports.add(
          new ServicePortBuilder()
              .withName(p.getName())
              .withPort(p.getContainerPort())
              .withNewTargetPort(p.getContainerPort())
              .withProtocol("TCP")
              .build());
    }
    ports.add(
        new ServicePortBuilder()
            .withName("metrics")
            .withPort(w.engine().adminPort())
            .withNewTargetPort(w.engine().adminPort())
            .withProtocol("TCP")
            .build());
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.headless(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(Labels.all(primary, w.engine()))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Labels.selector(primary, w.engine()))
        .withPorts(ports)
        .endSpec()
        .build();
  }
}
