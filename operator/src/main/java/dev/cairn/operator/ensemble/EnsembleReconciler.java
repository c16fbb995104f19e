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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link Ensemble}. Every reconcile asks each server what it is ({@link ServerProbe}) and
 * the ensemble which servers vote ({@link EnsembleMembership}): the answers make the status
 * (leader, members with role and last zxid, quorum size, {@link QuorumHealth}), guard the rolling
 * restart ({@link EnsembleView#restartBlocked}: all followers in sync before each restart; the
 * leader last) and drive a change of {@code spec.replicas} through dynamic reconfiguration, one
 * server at a time ({@link EnsembleScaling}). The super user that reconfig needs has its password
 * in a Secret the operator creates ({@link EnsembleSuperUser}).
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
  private static final Logger LOG = LoggerFactory.getLogger(EnsembleReconciler.class);

  private final ServerProbe servers;
  private final EnsembleMembership membership;

  @Inject
  public EnsembleReconciler(ManagedResources managed) {
    this(
        managed,
        new FourLetterProbe(),
        new ZooKeeperMembership(),
        Duration.ofSeconds(10),
        Clock.systemUTC());
  }

  public EnsembleReconciler(
      ManagedResources managed,
      ServerProbe servers,
      EnsembleMembership membership,
      Duration recheck,
      Clock clock) {
    super(managed, recheck, clock);
    this.servers = servers;
    this.membership = membership;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.COORDINATOR;
  }

  @Override
  protected Health gate(
      Ensemble ensemble, Workload workload, EnsembleView view, Context<Ensemble> context) {
    int desired = workload.replicas();
    EnsembleScaling step = EnsembleScaling.next(desired, view);
    if (step.kind() == EnsembleScaling.Kind.REFUSE) {
      return Health.degraded("ScalingNotSupported", step.message());
    }
    if (desired > 1) {
      EnsembleSuperUser.ensure(ensemble, context.getClient());
    }
    switch (step.kind()) {
      case WAIT -> {
        return Health.progressing(EnsembleScaling.REASON, step.message());
      }
      case ADD, REMOVE -> {
        boolean add = step.kind() == EnsembleScaling.Kind.ADD;
        try {
          membership.reconfigure(
              view.connectString(),
              EnsembleSuperUser.password(ensemble, context.getClient()),
              add ? EnsembleWorkload.serverLine(ensemble, step.serverId()) : null,
              add ? null : Integer.toString(step.serverId()));
          LOG.info("Ensemble {}: {}", id(ensemble), step.message());
        } catch (IllegalStateException e) {
          LOG.info(
              "Ensemble {}: {} refused, retrying: {}",
              id(ensemble),
              step.message(),
              e.getMessage());
          return Health.progressing(
              EnsembleScaling.REASON, step.message() + " Refused, retrying: " + e.getMessage());
        }
        if (!add) {
          return Health.progressing(EnsembleScaling.REASON, step.message());
        }
        return null;
      }
      default -> {
        return null;
      }
    }
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
    List<EnsembleView.Member> members = answers.stream().map(Future::resultNow).toList();
    int replicas = configuredReplicas(ensemble, ctx);
    String clients =
        pods.stream()
            .filter(p -> p.ip() != null)
            .map(p -> p.ip() + ":" + EnsembleWorkload.CLIENT_PORT)
            .collect(Collectors.joining(","));
    boolean serving = members.stream().anyMatch(m -> m.state().role().serving());
    Set<Integer> voters =
        replicas > 1 && serving && !clients.isEmpty() ? membership.voters(clients) : null;
    return new EnsembleView(replicas, members, voters, clients);
  }

  private ServerState probe(PodView pod) {
    return pod.ip() == null
        ? ServerState.UNKNOWN
        : servers.probe(pod.ip(), EnsembleWorkload.CLIENT_PORT);
  }

  @Override
  protected Health assess(Ensemble ensemble, EnsembleView view, Health fromPods) {
    Health health = QuorumHealth.assess(view, ensemble.getStatus(), fromPods);
    int desired = ensemble.getSpec().replicas;
    if (health.state() == Health.State.READY
        && view.voters() != null
        && desired > 1
        && !view.voters().equals(EnsembleScaling.ids(desired))) {
      return Health.progressing(
          EnsembleScaling.REASON,
          "The voters are " + view.voters() + "; server.1 to server." + desired + " wanted.");
    }
    return health;
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
