package dev.cairn.operator.common;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a reconcile: stamps the new status with the generation and the conditions of the {@link
 * Health}, patches the status subresource only when it differs from the stored one (never the
 * spec), logs one line when the resource's state changes, and asks to be called again after {@code
 * recheck} unless the resource is settled (ready, or rejected until its spec changes).
 */
public final class StatusUpdate {
  private static final Logger LOG = LoggerFactory.getLogger(StatusUpdate.class);

  private StatusUpdate() {}

  public static <P extends CustomResource<?, S>, S extends ClusterStatus> UpdateControl<P> of(
      P primary, S status, Health health, Instant now, Duration recheck) {
    S previous = primary.getStatus();
    Long generation = primary.getMetadata().getGeneration();
    status.observedGeneration = generation == null ? 0L : generation;
    status.conditions =
        Conditions.of(
            health, previous == null ? null : previous.conditions, status.observedGeneration, now);
    UpdateControl<P> control;
    if (previous != null
        && Objects.equals(Serialization.asJson(previous), Serialization.asJson(status))) {
      control = UpdateControl.noUpdate();
    } else {
      if (previous == null
          || ManagedResources.stateOf(previous) != ManagedResources.stateOf(status)
          || !Objects.equals(reason(previous), health.reason())) {
        LOG.info(
            "{} {}/{}: {}: {}",
            primary.getKind(),
            primary.getMetadata().getNamespace(),
            primary.getMetadata().getName(),
            health.reason(),
            health.message());
      }
      primary.setStatus(status);
      control = UpdateControl.patchStatus(primary);
    }
    boolean settled =
        health.state() == Health.State.READY || health.state() == Health.State.INVALID;
    return settled ? control : control.rescheduleAfter(recheck);
  }

  private static String reason(ClusterStatus status) {
    var ready = status.condition(Conditions.READY);
    return ready == null ? null : ready.getReason();
  }
}
