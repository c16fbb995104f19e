package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.Labels;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.RollingRestart;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link CacheCluster}. The password Secret is a precondition: a pod whose secret key
 * reference cannot be resolved never starts, so nothing is applied until the Secret and its key
 * exist.
 */
@Singleton // not a client proxy: reconcilers are constructed once, with their collaborators
@ControllerConfiguration(name = "cachecluster")
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(type = CacheServiceAccount.class, name = "service-account"),
      @Dependent(type = CacheConfigMap.class, name = "config"),
      @Dependent(type = CacheHeadlessService.class, name = "headless-service"),
      @Dependent(
          type = CacheClientService.class,
          name = "client-service",
          useEventSourceWithName = "headless-service"),
      @Dependent(type = CacheDisruptionBudget.class, name = "disruption-budget"),
      @Dependent(
          type = CacheStatefulSet.class,
          name = "statefulset",
          dependsOn = {"service-account", "config", "headless-service"}),
      @Dependent(
          type = CacheSentinelStatefulSet.class,
          name = "sentinel-statefulset",
          useEventSourceWithName = "statefulset",
          reconcilePrecondition = ReplicatedMode.class,
          dependsOn = {"service-account", "config"}),
      @Dependent(
          type = CacheSentinelService.class,
          name = "sentinel-service",
          useEventSourceWithName = "headless-service",
          reconcilePrecondition = ReplicatedMode.class),
      @Dependent(
          type = CacheSentinelDisruptionBudget.class,
          name = "sentinel-disruption-budget",
          useEventSourceWithName = "disruption-budget",
          reconcilePrecondition = ReplicatedMode.class),
      @Dependent(
          type = CacheReplicasService.class,
          name = "replicas-service",
          useEventSourceWithName = "headless-service",
          reconcilePrecondition = ReplicatedMode.class)
    })
public class CacheReconciler extends ClusterReconciler<CacheCluster, CacheClusterStatus, CacheView>
    implements Reconciler<CacheCluster> {

  /**
   * How often a replicated cache is asked who its primary is, and a cache with a password whether
   * its Secret changed, even when Ready.
   */
  static final Duration FOLLOW = Duration.ofSeconds(3);

  private final CacheReplication replication;
  private final CachePasswordRotation rotation;
  private final Clock clock;

  @Inject
  public CacheReconciler(ManagedResources managed) {
    this(managed, Duration.ofSeconds(10), Clock.systemUTC());
  }

  public CacheReconciler(ManagedResources managed, Duration recheck, Clock clock) {
    this(managed, recheck, clock, CacheReplication.standard(), CachePasswordRotation.standard());
  }

  CacheReconciler(
      ManagedResources managed,
      Duration recheck,
      Clock clock,
      CacheReplication replication,
      CachePasswordRotation rotation) {
    super(managed, recheck, clock);
    this.replication = replication;
    this.rotation = rotation;
    this.clock = clock;
  }

  @Override
  public UpdateControl<CacheCluster> reconcile(CacheCluster cache, Context<CacheCluster> context) {
    UpdateControl<CacheCluster> control = super.reconcile(cache, context);
    // A failover happens without any Kubernetes event the operator sees in time (the old primary's
    // pod may be alive), so the client Service's label must be checked on a schedule; so must the
    // password Secret, for a rotation: it is no event source (watching Secrets would take list and
    // watch on every Secret of the namespace).
    boolean follow = cache.getSpec().replicated() || cache.getSpec().auth != null;
    return follow && !control.getScheduleDelay().isPresent()
        ? control.rescheduleAfter(FOLLOW)
        : control;
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.CACHE;
  }

  @Override
  protected Health gate(
      CacheCluster cache, Workload workload, CacheView view, Context<CacheCluster> context) {
    CacheAuth auth = cache.getSpec().auth;
    if (auth == null || auth.passwordSecretRef == null) {
      return null;
    }
    SecretKeySelector ref = auth.passwordSecretRef;
    boolean hasKey = CachePassword.read(cache, context.getClient()).isPresent();
    if (!hasKey) {
      return Health.progressing(
          "SecretNotFound",
          "Waiting for key '"
              + ref.getKey()
              + "' of Secret '"
              + ref.getName()
              + "' (spec.auth.passwordSecretRef); nothing applied yet.");
    }
    return null;
  }

  @Override
  protected CacheView observe(
      CacheCluster cache, List<PodView> pods, Context<CacheCluster> context) {
    List<PodView> sentinels =
        !cache.getSpec().replicated()
            ? List.of()
            : context
                .getClient()
                .pods()
                .inNamespace(cache.getMetadata().getNamespace())
                .withLabels(CacheSentinels.selector(cache))
                .list()
                .getItems()
                .stream()
                .map(PodView::of)
                .toList();
    String password = password(cache, context);
    String rotating = password == null ? null : rotate(cache, pods, sentinels, password, context);
    if (!cache.getSpec().replicated()) {
      return CacheView.none(0, List.of(), null).rotating(rotating);
    }
    CacheView view = replication.observe(cache, pods, sentinels, password);
    if (view.primaryPod() != null) {
      labelRoles(cache, view.primaryPod(), context);
    }
    return view.rotating(rotating);
  }

  /**
   * Moves the running servers to the Secret's password when they may hold another ({@link
   * CachePasswordRotation}), and records it once they all hold it alone. The first time (a new
   * cache, or one from before the operator kept the password) the pods run with the Secret's.
   *
   * @return what the rotation waits for, or null when none is under way
   */
  private String rotate(
      CacheCluster cache,
      List<PodView> pods,
      List<PodView> sentinels,
      String password,
      Context<CacheCluster> context) {
    List<String> held = CachePassword.held(cache, context.getClient());
    if (held.equals(List.of(password))) {
      return null;
    }
    if (!held.isEmpty() && !held.contains(password)) {
      // recorded before any server gets it: a later change of the Secret must still find it
      held = new ArrayList<>(held);
      held.add(password);
      CachePassword.remember(cache, context.getClient(), held);
    }
    String waiting =
        held.isEmpty()
            ? null
            : rotation.rotate(
                cache.getMetadata().getName(),
                pods,
                sentinels,
                held,
                password,
                cache.getSpec().replicated());
    if (waiting == null) {
      CachePassword.remember(cache, context.getClient(), List.of(password));
    }
    return waiting;
  }

  /** The servers' password, null when the cache has none (or its Secret is not there yet). */
  private static String password(CacheCluster cache, Context<CacheCluster> context) {
    CacheAuth auth = cache.getSpec().auth;
    return auth == null || auth.passwordSecretRef == null
        ? null
        : CachePassword.read(cache, context.getClient()).orElse(null);
  }

  /** Points the client and replicas Services at the pods by their role. */
  private static void labelRoles(
      CacheCluster cache, String primaryPod, Context<CacheCluster> context) {
    var pods = context.getClient().pods().inNamespace(cache.getMetadata().getNamespace());
    for (Pod pod : pods.withLabels(Labels.selector(cache, EngineKind.CACHE)).list().getItems()) {
      String name = pod.getMetadata().getName();
      String role = name.equals(primaryPod) ? CacheSentinels.PRIMARY : CacheSentinels.REPLICA;
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (labels == null || !role.equals(labels.get(CacheSentinels.ROLE))) {
        pods.withName(name)
            .edit(p -> {
              p.getMetadata().getLabels().put(CacheSentinels.ROLE, role);
              return p;
            });
      }
    }
  }

  /**
   * A replicated cache's roll: replicas first (the primary is {@link CacheView#last}), then a
   * planned failover ({@link CacheReplication#handOver}) instead of deleting the primary, so that
   * the pod restarted last is a replica by then; once the servers are current, the sentinels one at
   * a time, each Ready and knowing the replicas and the other sentinels again before the next.
   */
  @Override
  protected RollingRestart.Step beforeStep(
      CacheCluster cache, RollingRestart.Step step, CacheView view, Context<CacheCluster> context) {
    if (!cache.getSpec().replicated()) {
      return step;
    }
    if (step.kind() == RollingRestart.Step.Kind.DELETE && step.pod().equals(view.primaryPod())) {
      String outcome = replication.handOver(cache, view, password(cache, context));
      return new RollingRestart.Step(
          RollingRestart.Step.Kind.WAIT,
          step.pod(),
          "Rolling restart: moving the primary off "
              + step.pod()
              + " before it restarts: "
              + outcome
              + ".");
    }
    if (step.kind() != RollingRestart.Step.Kind.IDLE) {
      return step;
    }
    Workload sentinels = CacheSentinels.workload(cache);
    RollingRestart.Step sentinelStep =
        RollingRestart.next(
            view.sentinels(),
            sentinels.replicas(),
            sentinels.configHash(),
            sentinels.image(),
            null,
            view.restartBlocked()); // a sentinel restarts empty: the next waits for it to
    // rediscover
    return sentinelStep.kind() == RollingRestart.Step.Kind.IDLE
        ? step
        : new RollingRestart.Step(
            sentinelStep.kind(), sentinelStep.pod(), "Sentinels: " + sentinelStep.message());
  }

  @Override
  protected Health assess(CacheCluster cache, CacheView view, Health fromPods) {
    if (view.rotating() != null && fromPods.state() == Health.State.READY) {
      return Health.progressing("PasswordRotation", "Password rotation: " + view.rotating() + ".");
    }
    if (!cache.getSpec().replicated() || fromPods.state() != Health.State.READY) {
      return fromPods;
    }
    int wanted = cache.getSpec().sentinels().count;
    if (view.primaryPod() == null) {
      return Health.progressing(
          "WaitingForPrimary", "No sentinel names a primary among the cache pods yet.");
    }
    if (view.readySentinels() < wanted) {
      return Health.progressing(
          "SentinelsStarting", view.readySentinels() + " of " + wanted + " sentinels are ready.");
    }
    return Health.ready(
        "PrimaryReady",
        "Primary "
            + view.primaryPod()
            + " with "
            + view.replicas().size()
            + " replicas; "
            + wanted
            + " sentinels are ready.");
  }

  @Override
  protected CacheClusterStatus newStatus() {
    return new CacheClusterStatus();
  }

  @Override
  protected void describe(
      CacheCluster cache, Workload workload, CacheClusterStatus status, CacheView view) {
    status.endpoints = CacheWorkload.endpoints(cache);
    if (!cache.getSpec().replicated()) {
      return;
    }
    CacheClusterStatus previous = cache.getStatus();
    status.sentinelEndpoints = CacheWorkload.sentinelEndpoints(cache);
    status.readySentinels = view.readySentinels();
    status.primary = view.primaryPod();
    status.primaryOffset = view.offset();
    status.replicas = view.replicas();
    status.lastFailover = previous == null ? null : previous.lastFailover;
    if (previous != null
        && previous.primary != null
        && view.primaryPod() != null
        && !previous.primary.equals(view.primaryPod())) {
      status.lastFailover = clock.instant().toString();
    }
    if (view.primaryPod() == null && previous != null) {
      status.primary = previous.primary; // not known this round: keep the last one named
    }
  }
}
