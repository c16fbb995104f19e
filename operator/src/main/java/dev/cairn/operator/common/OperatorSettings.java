package dev.cairn.operator.common;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election with the Lease {@code cairn-operator} in {@code cairn.operator.namespace} (the
 * Deployment passes its own namespace): only one replica reconciles at a time, the others take over
 * within the lease duration. Active in the {@code prod} profile.
 *
 * <p>java-operator-sdk's reconciliation metrics ({@code reconciliations_*}, {@code
 * events_received_total}, ...) go to the application's Prometheus registry. quarkus-operator-sdk's
 * own provider hands out a no-op {@link Metrics} until Micrometer has bound it, so whether the
 * operator gets real metrics depends on start-up order (an earlier build of this operator exported
 * none); this producer builds them on the registry directly. Prometheus needs every series of a
 * name to carry the same label names, and JOSDK counts {@code events.received} with an {@code
 * action} tag for resource events but without it for others, which the registry refuses (with an
 * exception in the informer's event handler): {@link #eventsAlwaysHaveAction} gives the latter
 * {@code action="none"}.
 */
public class OperatorSettings {
  public static final String LEASE_NAME = "cairn-operator";
  private static final String EVENTS_RECEIVED = "events.received";
  private static final String ACTION = "action";

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "cairn.operator.namespace", defaultValue = "default")
          String namespace) {
    return new LeaderElectionConfiguration(LEASE_NAME, namespace);
  }

  @Produces
  @Singleton
  @Alternative
  @Priority(1)
  Metrics reconciliationMetrics(MeterRegistry registry) {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }

  @Produces
  @Singleton
  MeterFilter eventsAlwaysHaveAction() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (EVENTS_RECEIVED.equals(id.getName()) && id.getTag(ACTION) == null) {
          return id.withTag(Tag.of(ACTION, "none"));
        }
        return id;
      }
    };
  }
}
