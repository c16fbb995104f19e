package dev.cairn.e2e.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Kubernetes on one machine, for trying Cairn and for the end-to-end tests: an in-process API
 * server ({@link LocalApiServer}), a kubeconfig for people and the operator, and the {@link
 * PodRunner} that turns StatefulSets into engine processes on their own loopback addresses.
 *
 * <p>Everything that must survive a restart (pod addresses, volumes) lives under {@code stateDir};
 * the API objects themselves do not, and are applied again on the next start.
 */
public final class LocalCluster implements AutoCloseable {
  private final LocalApiServer api;
  private final PodRunner pods;
  private final Path kubeconfig;

  private LocalCluster(LocalApiServer api, PodRunner pods, Path kubeconfig) {
    this.api = api;
    this.pods = pods;
    this.kubeconfig = kubeconfig;
  }

  /**
   * Starts the API on {@code apiPort} (0 = any free port) and the pod runner.
   *
   * @param images which jar runs for which container image
   * @param stateDir pod addresses, volumes, hosts file, kubeconfig
   * @param logsDir one log file per pod
   */
  public static LocalCluster start(int apiPort, ImageCatalog images, Path stateDir, Path logsDir)
      throws IOException {
    LocalApiServer api = new LocalApiServer(apiPort);
    Path kubeconfig = api.writeKubeconfig(stateDir.resolve("kubeconfig"));
    PodRunner pods = new PodRunner(api.client(), images, stateDir, logsDir);
    pods.start();
    LocalCluster cluster = new LocalCluster(api, pods, kubeconfig);
    // Engine processes must not outlive the JVM that started them (a killed test run, say).
    Runtime.getRuntime().addShutdownHook(new Thread(pods::close, "local-cluster-stop"));
    return cluster;
  }

  public KubernetesClient client() {
    return api.client();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path hostsFile() {
    return pods.hostsFile();
  }

  public PodRunner pods() {
    return pods;
  }

  @Override
  public void close() {
    pods.close();
    api.close();
  }
}
