package dev.cairn.operator.common;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything the shared dependents need to know to run one engine for one resource: the feature
 * packages translate their spec into a workload, the dependents in this package turn it into
 * Kubernetes objects. Pure data; building one never talks to the cluster.
 *
 * @param config the engine's native config file (zoo.cfg, server.properties, redis.conf) as text;
 *     identical for every pod, pod-specific values go into {@code args} through environment
 *     variables that Kubernetes expands ({@code $(POD_IP)})
 * @param args arguments after the config file path
 * @param ports engine ports besides the admin port (which {@link ClusterStatefulSet} adds as {@code
 *     metrics})
 * @param clientPorts the ports of the client Service
 */
public record Workload(
    EngineKind engine,
    String image,
    int replicas,
    ResourceRequirements resources,
    PodSettings pod,
    List<DataVolume> volumes,
    String config,
    List<String> args,
    List<EnvVar> env,
    List<ContainerPort> ports,
    List<ServicePort> clientPorts) {

  /** The annotation on the pod template whose change makes the operator roll the pods. */
  public static final String CONFIG_HASH = "cairn.dev/config-hash";

  /**
   * The config as far as a change of it needs a restart: a coordinator's {@code server.N} lines
   * change through reconfig, one member at a time, never by restarting the others.
   */
  private String hashedConfig() {
    if (engine != EngineKind.COORDINATOR) {
      return config;
    }
    return config
        .lines()
        .filter(line -> !line.startsWith("server."))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  /** SHA-256 of the native config and the arguments, hex: a change of either restarts the pods. */
  public String configHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(hashedConfig().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(String.join("\u0000", args).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
