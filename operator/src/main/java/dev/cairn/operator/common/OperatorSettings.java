package dev.cairn.operator.common;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Operator-wide settings that are chosen when the operator starts, not when it is built.
 *
 * <ul>
 *   <li>{@code cairn.operator.server-side-apply} (default true): dependents and status use
 *       server-side apply. The local cluster's API server (fabric8's mock server) has no SSA, so
 *       the e2e harness and the tests turn it off; dependents then create and update with plain
 *       PUT/PATCH and match on the fields they set.
 *   <li>Leader election with the Lease {@code cairn-operator} in {@code cairn.operator.namespace}
 *       (the Deployment passes its own namespace): only one replica reconciles at a time, the
 *       others take over within the lease duration.
 * </ul>
 */
public class OperatorSettings {
  public static final String LEASE_NAME = "cairn-operator";

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "cairn.operator.namespace", defaultValue = "default")
          String namespace) {
    return new LeaderElectionConfiguration(LEASE_NAME, namespace);
  }

  @Produces
  @Singleton
  ConfigurationServiceCustomizer serverSideApply(
      @ConfigProperty(name = "cairn.operator.server-side-apply", defaultValue = "true")
          boolean ssa) {
    return () ->
        overrider ->
            overrider
                .withSSABasedCreateUpdateMatchForDependentResources(ssa)
                .withUseSSAToPatchPrimaryResource(ssa);
  }
}
