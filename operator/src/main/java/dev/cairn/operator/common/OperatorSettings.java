package dev.cairn.operator.common;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election with the Lease {@code cairn-operator} in {@code cairn.operator.namespace} (the
 * Deployment passes its own namespace): only one replica reconciles at a time, the others take over
 * within the lease duration. Active in the {@code prod} profile.
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
}
