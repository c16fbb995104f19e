package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.Workload;
import dev.cairn.operator.ensemble.Ensemble;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs a {@link BrokerCluster}. With an {@code ensembleRef}, nothing is applied until that Ensemble
 * exists and is ready: brokers started without their coordinator would only crash-loop. The rolling
 * restart goes one broker at a time, as Strimzi's KafkaRoller: only while no partition would become
 * unavailable ({@link BrokerView#restartBlocked}), each broker handing its leaderships over on
 * SIGTERM, the active controller last.
 */
@Singleton // not a client proxy: reconcilers are constructed once, with their collaborators
@ControllerConfiguration(name = "brokercluster")
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = BrokerServiceAccount.class, name = "service-account"),
      @Dependent(type = BrokerConfigMap.class, name = "config"),
      @Dependent(type = BrokerHeadlessService.class, name = "headless-service"),
      @Dependent(
          type = BrokerClientService.class,
          name = "client-service",
          useEventSourceWithName = "headless-service"),
      @Dependent(type = BrokerDisruptionBudget.class, name = "disruption-budget"),
      @Dependent(
          type = BrokerStatefulSet.class,
          name = "statefulset",
          dependsOn = {"service-account", "config", "headless-service"})
    })
public class BrokerReconciler
    extends ClusterReconciler<BrokerCluster, BrokerClusterStatus, BrokerView>
    implements Reconciler<BrokerCluster> {
  private final BrokerProbe brokers;

  @Inject
  public BrokerReconciler(ManagedResources managed) {
    this(managed, new AdminBrokerProbe(), Duration.ofSeconds(10), Clock.systemUTC());
  }

  public BrokerReconciler(
      ManagedResources managed, BrokerProbe brokers, Duration recheck, Clock clock) {
    super(managed, recheck, clock);
    this.brokers = brokers;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.BROKER;
  }

  @Override
  protected Health gate(
      BrokerCluster cluster, Workload workload, BrokerView view, Context<BrokerCluster> context) {
    if (cluster.getSpec().ensembleRef == null) {
      return null;
    }
    String name = cluster.getSpec().ensembleRef.name;
    Ensemble ensemble =
        context
            .getClient()
            .resources(Ensemble.class)
            .inNamespace(cluster.getMetadata().getNamespace())
            .withName(name)
            .get();
    if (ensemble == null) {
      return Health.progressing(
          "EnsembleNotFound",
          "Waiting for Ensemble '" + name + "' (spec.ensembleRef) to exist; nothing applied yet.");
    }
    if (ensemble.getStatus() == null || !ensemble.getStatus().isReady()) {
      return Health.progressing(
          "EnsembleNotReady",
          "Waiting for Ensemble '" + name + "' to become ready; nothing applied yet.");
    }
    return null;
  }

  @Override
  protected BrokerView observe(
      BrokerCluster cluster, List<PodView> pods, Context<BrokerCluster> context) {
    return brokers.observe(cluster, pods);
  }

  @Override
  protected BrokerClusterStatus newStatus() {
    return new BrokerClusterStatus();
  }

  @Override
  protected void describe(
      BrokerCluster cluster, Workload workload, BrokerClusterStatus status, BrokerView view) {
    status.bootstrapServers = BrokerWorkload.bootstrapServers(cluster);
    status.controller = view.last();
    status.underReplicatedPartitions = view.underReplicated();
    status.offlinePartitions = view.offline();
  }
}
