package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.RoleProbe;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
 * Runs an {@link Ensemble}. An ensemble larger than the coordinator engine supports ({@link
 * EnsembleWorkload#MAX_SUPPORTED_REPLICAS}) is refused in status. Changing {@code spec.replicas} of
 * a running ensemble is refused (the Degraded condition says so and nothing is applied) until the
 * coordinator supports dynamic reconfiguration: rewriting every server's {@code server.N} list and
 * restarting them would lose the quorum's agreement on membership.
 */
@Singleton // not a client proxy: reconcilers are constructed once, with their collaborators
@ControllerConfiguration(name = "ensemble")
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = EnsembleServiceAccount.class, name = "service-account"),
      @Dependent(type = EnsembleConfigMap.class, name = "config"),
      @Dependent(type = EnsembleHeadlessService.class, name = "headless-service"),
      @Dependent(
          type = EnsembleClientService.class,
          name = "client-service",
          useEventSourceWithName = "headless-service"),
      @Dependent(type = EnsembleDisruptionBudget.class, name = "disruption-budget"),
      @Dependent(
          type = EnsembleStatefulSet.class,
          name = "statefulset",
          dependsOn = {"service-account", "config", "headless-service"})
    })
public class EnsembleReconciler extends ClusterReconciler<Ensemble, EnsembleStatus>
    implements Reconciler<Ensemble> {
  private final RoleProbe leaders;

  @Inject
  public EnsembleReconciler(ManagedResources managed) {
    this(managed, new LeaderProbe(), Duration.ofSeconds(10), Clock.systemUTC());
  }

  public EnsembleReconciler(
      ManagedResources managed, RoleProbe leaders, Duration recheck, Clock clock) {
    super(managed, recheck, clock);
    this.leaders = leaders;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.COORDINATOR;
  }

  @Override
  protected Health gate(Ensemble ensemble, Workload workload, Context<Ensemble> context) {
    StatefulSet existing = statefulSet(context);
    if (existing != null
        && existing.getSpec().getReplicas() != null
        && existing.getSpec().getReplicas() != workload.replicas()) {
      return Health.degraded(
          "ScalingNotSupported",
          "Changing replicas from "
              + existing.getSpec().getReplicas()
              + " to "
              + workload.replicas()
              + " needs dynamic reconfiguration, which the coordinator does not support yet;"
              + " set spec.replicas back to "
              + existing.getSpec().getReplicas()
              + ". Nothing was changed.");
    }
    if (workload.replicas() > EnsembleWorkload.MAX_SUPPORTED_REPLICAS) {
      return Health.degraded(
          "QuorumNotSupported",
          "The coordinator runs standalone only for now; set spec.replicas to 1. A "
              + workload.replicas()
              + "-server ensemble needs quorum support in the coordinator. Nothing was applied.");
    }
    return null;
  }

  @Override
  protected String lastToRestart(Ensemble ensemble, List<PodView> pods, Context<Ensemble> ctx) {
    return leaders.holder(ensemble, pods);
  }

  @Override
  protected EnsembleStatus newStatus() {
    return new EnsembleStatus();
  }

  @Override
  protected void describe(
      Ensemble ensemble, Workload workload, EnsembleStatus status, String lastPod) {
    status.connectString = EnsembleWorkload.connectString(ensemble);
    status.leader = lastPod;
  }
}
