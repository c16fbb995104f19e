package dev.cairn.operator.cache;

import dev.cairn.operator.common.ClusterReconciler;
import dev.cairn.operator.common.EngineKind;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.PodView;
import dev.cairn.operator.common.RoleHolder;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
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
          dependsOn = {"service-account", "config", "headless-service"})
    })
public class CacheReconciler extends ClusterReconciler<CacheCluster, CacheClusterStatus, RoleHolder>
    implements Reconciler<CacheCluster> {

  @Inject
  public CacheReconciler(ManagedResources managed) {
    this(managed, Duration.ofSeconds(10), Clock.systemUTC());
  }

  public CacheReconciler(ManagedResources managed, Duration recheck, Clock clock) {
    super(managed, recheck, clock);
  }

  @Override
  protected EngineKind engine() {
    return EngineKind.CACHE;
  }

  @Override
  protected Health gate(
      CacheCluster cache, Workload workload, RoleHolder view, Context<CacheCluster> context) {
    CacheAuth auth = cache.getSpec().auth;
    if (auth == null || auth.passwordSecretRef == null) {
      return null;
    }
    SecretKeySelector ref = auth.passwordSecretRef;
    Secret secret =
        context
            .getClient()
            .secrets()
            .inNamespace(cache.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    boolean hasKey =
        secret != null
            && (secret.getData() != null && secret.getData().containsKey(ref.getKey())
                || secret.getStringData() != null
                    && secret.getStringData().containsKey(ref.getKey()));
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
  protected RoleHolder observe(
      CacheCluster cache, List<PodView> pods, Context<CacheCluster> context) {
    return new RoleHolder(null);
  }

  @Override
  protected CacheClusterStatus newStatus() {
    return new CacheClusterStatus();
  }

  @Override
  protected void describe(
      CacheCluster cache, Workload workload, CacheClusterStatus status, RoleHolder view) {
    status.endpoints = CacheWorkload.endpoints(cache);
  }
}
