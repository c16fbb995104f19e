package dev.cairn.operator.common;

/**
 * A Cairn resource that runs an engine in a StatefulSet ({@code Ensemble}, {@code BrokerCluster},
 * {@code CacheCluster}). The shared dependents read everything from {@link #workload()}.
 */
public interface CairnCluster {
  /**
   * The workload this resource asks for.
   *
   * @throws InvalidSpecException when the spec breaks a rule the CRD schema cannot express
   */
  Workload workload();
}
