package dev.cairn.operator.ensemble;

import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an {@link Ensemble}. Every reconcile asks each server what it is ({@link ServerProbe}): the
 * answers make the status (leader, members with role and last zxid, quorum size, {@link
 * QuorumHealth}) and guard the rolling restart ({@link EnsembleView#restartBlocked}: all followers
 * in sync before each restart; the leader last).
 *
 * <p>Changing {@code spec.replicas} of a running ensemble is refused (the Degraded condition says
 * so and nothing is applied) until the coordinator supports dynamic reconfiguration: rewriting
 * every server's {@code server.N} list and restarting them could let an old and a new majority each
 * elect a leader.
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
public class EnsembleReconciler extends ClusterReconciler<Ensemble, EnsembleStatus, EnsembleView>
    implements Reconciler<Ensemble> {
  private final ServerProbe servers;

  @Inject
  public EnsembleReconciler(ManagedResources managed) {
    this(managed, new FourLetterProbe(), Duration.ofSeconds(10), Clock.systemUTC());
  }

  public EnsembleReconciler(
      ManagedResources managed, ServerProbe servers, Duration recheck, Clock clock) {
    super(managed, recheck, clock);
    this.servers = servers;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.COORDINATOR;
  }

  @Override
  protected Health gate(Ensemble ensemble, Workload workload, Context<Ensemble> context) {
    int running = configuredReplicas(ensemble, context);
    if (running != workload.replicas()) {
      return Health.degraded(
          "ScalingNotSupported",
          "Changing replicas from "
              + running
              + " to "
              + workload.replicas()
              + " needs dynamic reconfiguration, which the coordinator does not support yet;"
              + " set spec.replicas back to "
              + running
              + ". Nothing was changed.");
    }
    return null;
  }

  @Override
  protected EnsembleView observe(Ensemble ensemble, List<PodView> pods, Context<Ensemble> ctx) {
    // In parallel: a reconcile waits for the slowest server, not for the sum of their timeouts.
    List<Future<EnsembleView.Member>> answers;
    try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
      answers =
          pods.stream()
              .sorted(Comparator.comparingInt(PodView::ordinal))
              .map(p ->
                  probes.submit(() -> new EnsembleView.Member(p.name(), p.ordinal(), probe(p))))
              .toList();
    } // close() waits for every probe
    return new EnsembleView(
        configuredReplicas(ensemble, ctx), answers.stream().map(Future::resultNow).toList());
  }

  private ServerState probe(PodView pod) {
    return pod.ip() == null
        ? ServerState.UNKNOWN
        : servers.probe(pod.ip(), EnsembleWorkload.CLIENT_PORT);
  }

  @Override
  protected Health assess(Ensemble ensemble, EnsembleView view, Health fromPods) {
    return QuorumHealth.assess(view, ensemble.getStatus(), fromPods);
  }

  /** The servers the running ensemble has (its StatefulSet's), else the spec's. */
  private static int configuredReplicas(Ensemble ensemble, Context<Ensemble> context) {
    StatefulSet existing = statefulSet(context);
    return existing != null && existing.getSpec().getReplicas() != null
        ? existing.getSpec().getReplicas()
        : ensemble.getSpec().replicas;
  }

  @Override
  protected EnsembleStatus newStatus() {
    return new EnsembleStatus();
  }

  @Override
  protected void describe(
      Ensemble ensemble, Workload workload, EnsembleStatus status, EnsembleView view) {
    status.connectString = EnsembleWorkload.connectString(ensemble);
    status.leader = view.leader();
    status.quorumSize = view.quorumSize();
    status.members = view.members().stream().map(EnsembleMember::of).toList();
  }
}
