package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code cairn_operator_managed_resources{kind,state}} gauges: how many resources of each kind
 * are ready, progressing, degraded or invalid. They read the controllers' own informer caches and
 * the conditions the operator wrote, so they need no bookkeeping and never count a deleted
 * resource.
 */
@Singleton
public class ManagedResources {
  private final MeterRegistry registry;
  private final Set<String> kinds = ConcurrentHashMap.newKeySet();

  public ManagedResources(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the gauges of {@code kind} over {@code cache}, once per kind. */
  public <P extends CustomResource<?, ? extends ClusterStatus>> void watch(
      String kind, IndexedResourceCache<P> cache) {
    if (!kinds.add(kind)) {
      return;
    }
    for (Health.State state : Health.State.values()) {
      Gauge.builder(
              "cairn.operator.managed.resources",
              cache,
              c -> c.list().filter(r -> stateOf(r.getStatus()) == state).count())
          .description("Cairn resources managed by this operator, by kind and state")
          .tag("kind", kind)
          .tag("state", state.label())
          .register(registry);
    }
  }

  /** The state a status describes; a resource without status yet counts as progressing. */
  public static Health.State stateOf(ClusterStatus status) {
    if (status == null) {
      return Health.State.PROGRESSING;
    }
    if (status.isReady()) {
      return Health.State.READY;
    }
    Condition degraded = status.condition(Conditions.DEGRADED);
    if (degraded != null && "True".equals(degraded.getStatus())) {
      return "InvalidSpec".equals(degraded.getReason())
          ? Health.State.INVALID
          : Health.State.DEGRADED;
    }
    return Health.State.PROGRESSING;
  }
}
