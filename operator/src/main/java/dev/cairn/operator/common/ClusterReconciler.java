package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop shared by Ensemble, BrokerCluster and CacheCluster. The dependents are
 * declared with {@code explicitInvocation} so that this class decides whether they run at all:
 *
 * <ol>
 *   <li>Build the {@link Workload}; a spec the schema could not reject ({@link
 *       InvalidSpecException}) is rejected in status and nothing is applied.
 *   <li>List the pods and {@link #observe} the engines ({@link EngineView}).
 *   <li>Ask the feature's {@link #gate} whether applying is safe now (the ensemble refuses to
 *       scale, a broker waits for its ensemble); if not, report why and apply nothing.
 *   <li>Reconcile the dependents, then take one {@link RollingRestart} step on the pods (which the
 *       feature may replace: {@link #beforeStep}).
 *   <li>Compute the status and patch it only when it changed; reschedule while not settled.
 * </ol>
 *
 * The operator keeps no state of its own: the next step is always derived from the cluster.
 */
public abstract class ClusterReconciler<
        P extends CustomResource<?, S> & CairnCluster,
        S extends ReplicatedStatus,
        V extends EngineView>
    implements Reconciler<P> {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);

  private final ManagedResources managed;
  private final Duration recheck;
  private final Clock clock;

  protected ClusterReconciler(ManagedResources managed, Duration recheck, Clock clock) {
    this.managed = managed;
    this.recheck = recheck;
    this.clock = clock;
  }

  /**
   * Why the workload must not be applied now, or null when it may; may act on the engines first
   * (the ensemble changes its membership one server at a time).
   */
  protected abstract Health gate(P primary, Workload workload, V view, Context<P> context);

  /** Asks the engines of {@code pods} what they are; bounded in time, never throws for a pod. */
  protected abstract V observe(P primary, List<PodView> pods, Context<P> context);

  /** A fresh status object of the feature's type. */
  protected abstract S newStatus();

  /** Fills the feature's own status fields (connect string, endpoints, leader, ...). */
  protected abstract void describe(P primary, Workload workload, S status, V view);

  /**
   * The health to report given what the engines say; {@code fromPods} is what the pods and the
   * rolling restart alone say. The default trusts the pods.
   */
  protected Health assess(P primary, V view, Health fromPods) {
    return fromPods;
  }

  /**
   * The rolling-restart step to carry out instead of {@code step}, or {@code step} itself: the
   * feature may first move a role off the pod about to be deleted (and wait), or roll pods of its
   * own once the engine pods are current. A {@link RollingRestart.Step.Kind#DELETE} deletes the pod
   * of that name in the resource's namespace.
   */
  protected RollingRestart.Step beforeStep(
      P primary, RollingRestart.Step step, V view, Context<P> context) {
    return step;
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    EngineKind engine = engine();
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, context.getPrimaryResourceClass())
            .withName(engine.component() + "-pods")
            .withLabelSelector(Labels.managedPodsOf(engine))
            .withSecondaryToPrimaryMapper(
                Mappers.fromLabel(Labels.INSTANCE, null, context.getPrimaryResourceClass()))
            .build();
    return List.of(new InformerEventSource<>(pods, context));
  }

  /** The engine this reconciler runs. */
  protected abstract EngineKind engine();

  @Override
  public UpdateControl<P> reconcile(P primary, Context<P> context) {
    managed.watch(primary.getKind(), context.getPrimaryCache());
    S status = newStatus();
    Workload workload;
    try {
      workload = primary.workload();
    } catch (InvalidSpecException e) {
      return finish(primary, status, Health.invalid(e.getMessage()), null, null);
    }
    // A fresh list, not the pod informer's cache (which only triggers reconciles): a pod this
    // operator just deleted may still sit in the cache, and deleting it twice restarts a pod
    // that already runs the new configuration.
    List<PodView> pods =
        context
            .getClient()
            .pods()
            .inNamespace(primary.getMetadata().getNamespace())
            .withLabels(Labels.selector(primary, engine()))
            .list()
            .getItems()
            .stream()
            .map(PodView::of)
            .toList();
    V view = observe(primary, pods, context);
    status.readyReplicas = (int) pods.stream().filter(p -> p.ready() && !p.terminating()).count();
    Health blocked = gate(primary, workload, view, context);
    if (blocked != null) {
      return finish(primary, status, blocked, workload, view);
    }

    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    RollingRestart.Step step =
        RollingRestart.next(
            pods,
            workload.replicas(),
            workload.configHash(),
            workload.image(),
            view.last(),
            view.restartBlocked());
    step = beforeStep(primary, step, view, context);
    if (step.kind() == RollingRestart.Step.Kind.DELETE) {
      LOG.info("{} {}: {}", primary.getKind(), id(primary), step.message());
      context
          .getClient()
          .pods()
          .inNamespace(primary.getMetadata().getNamespace())
          .withName(step.pod())
          .delete();
    }
    int ready = status.readyReplicas;
    Health health;
    if (step.kind() != RollingRestart.Step.Kind.IDLE) {
      health = Health.progressing(RollingRestart.REASON, step.message());
    } else if (ready < workload.replicas()) {
      health =
          Health.progressing(
              "PodsStarting", ready + " of " + workload.replicas() + " pods are ready.");
    } else {
      health = Health.ready("AllPodsReady", "All " + ready + " pods are ready.");
    }
    return finish(primary, status, assess(primary, view, health), workload, view);
  }

  private UpdateControl<P> finish(P primary, S status, Health health, Workload workload, V view) {
    S previous = primary.getStatus();
    if (workload != null) {
      describe(primary, workload, status, view);
    } else if (previous != null) {
      // A rejected spec stops before the pods are looked at: keep the last count.
      status.readyReplicas = previous.readyReplicas;
    }
    return StatusUpdate.of(primary, status, health, clock.instant(), recheck);
  }

  /** The StatefulSet the workflow manages, if it exists yet. */
  protected static StatefulSet statefulSet(Context<?> context) {
    return context.getSecondaryResource(StatefulSet.class).orElse(null);
  }

  protected static String id(CustomResource<?, ?> r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }
}
