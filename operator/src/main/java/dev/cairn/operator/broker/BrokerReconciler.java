package dev.cairn.operator.broker;

import dev.cairn.operator.common.ClusterEvents;
import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.Conditions;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.Workload;
import dev.cairn.operator.ensemble.Ensemble;
import io.fabric8.kubernetes.api.model.Condition;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BrokerCluster}. With an {@code ensembleRef}, nothing is applied until that Ensemble
 * exists and is ready: brokers started without their coordinator would only crash-loop. The rolling
 * restart goes one broker at a time, as Strimzi's KafkaRoller: only while no partition would become
 * unavailable ({@link BrokerView#restartBlocked}), each broker handing its leaderships over on
 * SIGTERM, the active controller last. Changes of size follow {@link BrokerScaling}: a scale-down
 * first empties the brokers being removed by partition reassignment and is refused (condition and
 * Warning event, nothing applied) when the remaining brokers could not hold every partition's
 * replicas; a scale-up may rebalance replicas onto the new brokers.
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
  private static final Logger LOG = LoggerFactory.getLogger(BrokerReconciler.class);

  private final BrokerProbe brokers;
  private final Reassigner reassigner;

  @Inject
  public BrokerReconciler(ManagedResources managed) {
    this(
        managed,
        new AdminBrokerProbe(),
        new AdminReassigner(),
        Duration.ofSeconds(10),
        Clock.systemUTC());
  }

  public BrokerReconciler(
      ManagedResources managed,
      BrokerProbe brokers,
      Reassigner reassigner,
      Duration recheck,
      Clock clock) {
    super(managed, recheck, clock);
    this.brokers = brokers;
    this.reassigner = reassigner;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.BROKER;
  }

  @Override
  protected Health gate(
      BrokerCluster cluster, Workload workload, BrokerView view, Context<BrokerCluster> context) {
    Health ensemble = ensembleGate(cluster, context);
    if (ensemble != null) {
      return ensemble;
    }
    StatefulSet statefulSet = statefulSet(context);
    if (statefulSet == null || statefulSet.getSpec().getReplicas() == null) {
      return null;
    }
    BrokerScaling step =
        BrokerScaling.next(
            workload.replicas(),
            statefulSet.getSpec().getReplicas(),
            cluster.getSpec().rebalanceOnScaleUp,
            view);
    return switch (step.kind()) {
      case REFUSE -> {
        if (!alreadyReported(cluster, BrokerScaling.REFUSED, step.message())) {
          ClusterEvents.warning(
              context.getClient(), cluster, BrokerScaling.REFUSED, step.message());
        }
        yield Health.degraded(BrokerScaling.REFUSED, step.message());
      }
      case WAIT -> Health.progressing(BrokerScaling.REASON, step.message());
      case MOVE -> {
        String refused = reassign(cluster, step, context);
        yield Health.progressing(
            BrokerScaling.REASON,
            refused == null ? step.message() : step.message() + " Refused, retrying: " + refused);
      }
      case APPLY -> {
        if (!step.moves().isEmpty()) {
          reassign(cluster, step, context);
        }
        yield null;
      }
    };
  }

  /** Starts the step's reassignments; returns why the brokers refused, or null. */
  private String reassign(
      BrokerCluster cluster, BrokerScaling step, Context<BrokerCluster> context) {
    try {
      reassigner.reassign(cluster, step.moves());
    } catch (IllegalStateException e) {
      LOG.info("BrokerCluster {}: reassignment refused: {}", id(cluster), e.getMessage());
      return e.getMessage();
    }
    String moved =
        "Reassigning "
            + step.moves().size()
            + " partition(s): "
            + new TreeMap<>(
                step.moves().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue)));
    LOG.info("BrokerCluster {}: {}", id(cluster), moved);
    ClusterEvents.normal(context.getClient(), cluster, "Reassigning", moved);
    return null;
  }

  /** Whether the stored status already says this, so its event was recorded before. */
  private static boolean alreadyReported(BrokerCluster cluster, String reason, String message) {
    if (cluster.getStatus() == null) {
      return false;
    }
    Condition ready = cluster.getStatus().condition(Conditions.READY);
    return ready != null && reason.equals(ready.getReason()) && message.equals(ready.getMessage());
  }

  private Health ensembleGate(BrokerCluster cluster, Context<BrokerCluster> context) {
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

  /**
   * A cluster whose pods are all ready is Ready only once its brokers answer, and, with
   * rebalanceOnScaleUp, once the new brokers hold their share: Progressing is rechecked, while
   * nothing else would wake the reconciler once the StatefulSet it grew has settled.
   */
  @Override
  protected Health assess(BrokerCluster cluster, BrokerView view, Health fromPods) {
    if (fromPods.state() != Health.State.READY) {
      return fromPods;
    }
    if (view.controller() == null && view.brokers().isEmpty()) {
      // Ready pods whose brokers did not answer: the status (controller, partitions) would be
      // stale until the next event, so keep checking.
      return Health.progressing(
          "BrokersNotAnswering",
          "All pods are ready but the brokers did not answer DescribeCluster yet.");
    }
    if (!cluster.getSpec().rebalanceOnScaleUp) {
      return fromPods;
    }
    String pending = BrokerScaling.rebalancePending(cluster.getSpec().replicas, view);
    return pending == null ? fromPods : Health.progressing(BrokerScaling.REBALANCING, pending);
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
    status.reassigningPartitions = view.reassigning().size();
  }
}
