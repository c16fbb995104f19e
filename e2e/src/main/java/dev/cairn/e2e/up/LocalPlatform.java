package dev.cairn.e2e.up;

import dev.cairn.e2e.local.ImageCatalog;
import dev.cairn.e2e.local.LocalCluster;
import dev.cairn.e2e.local.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole platform on one machine: the {@link LocalCluster} with Cairn's CRDs and the real
 * operator running against it. Used by {@code ./cairn up} and by the end-to-end tests, so both
 * exercise the same thing.
 */
public final class LocalPlatform implements AutoCloseable {
  private final Path root;
  private final Path home;
  private final LocalCluster cluster;
  private final OperatorProcess operator;
  private final int operatorHttpPort;

  private LocalPlatform(
      Path root, Path home, LocalCluster cluster, OperatorProcess operator, int operatorHttpPort) {
    this.root = root;
    this.home = home;
    this.cluster = cluster;
    this.operator = operator;
    this.operatorHttpPort = operatorHttpPort;
  }

  /**
   * Starts the local cluster on {@code apiPort} (0 = any), applies {@code crds/} and starts the
   * operator built in the checkout at {@code root}; state and logs go under {@code home}.
   */
  public static LocalPlatform start(Path root, Path home, int apiPort) throws IOException {
    Path logs = home.resolve("logs");
    LocalCluster cluster =
        LocalCluster.start(apiPort, ImageCatalog.ofCheckout(root), home.resolve("state"), logs);
    try {
      Manifests.apply(cluster.client(), root.resolve("crds"));
      int operatorHttpPort = freePort();
      OperatorProcess operator =
          OperatorProcess.start(
              root.resolve("operator/target/quarkus-app/quarkus-run.jar"),
              cluster.kubeconfig(),
              cluster.hostsFile(),
              operatorHttpPort,
              logs.resolve("operator.log"));
      LocalPlatform platform = new LocalPlatform(root, home, cluster, operator, operatorHttpPort);
      // The operator must not outlive the JVM that started it (a killed test run, say).
      Runtime.getRuntime().addShutdownHook(new Thread(operator::close, "operator-stop"));
      return platform;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  public LocalCluster cluster() {
    return cluster;
  }

  /** Applies a file or directory of manifests, as {@code kubectl apply -f}. */
  public List<HasMetadata> apply(Path path) throws IOException {
    return Manifests.apply(client(), path);
  }

  public List<HasMetadata> applyExamples() throws IOException {
    return apply(root.resolve("examples"));
  }

  /**
   * Starts Prometheus on 127.0.0.1:{@code port} scraping this platform's pods and operator with the
   * chart's alert rules ({@code helm/cairn/alerts.yaml}); the caller closes it before the platform.
   */
  public LocalPrometheus startPrometheus(int port) throws IOException, InterruptedException {
    return LocalPrometheus.start(
        client(),
        home.resolve("prometheus"),
        root.resolve("helm/cairn/alerts.yaml"),
        "127.0.0.1:" + operatorHttpPort,
        port,
        home.resolve("logs/prometheus.log"));
  }

  /**
   * Waits until every Cairn resource reports Ready=True, calling {@code progress} with a line each
   * time a resource's Ready condition changes.
   */
  public void awaitAllReady(Duration timeout, Consumer<String> progress)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> last = new HashMap<>();
    while (true) {
      List<GenericKubernetesResource> resources = CairnResources.list(client());
      boolean allReady = !resources.isEmpty();
      for (GenericKubernetesResource r : resources) {
        String line = CairnResources.condition(r, "Ready").toString();
        if (!line.equals(last.put(CairnResources.id(r), line))) {
          progress.accept(CairnResources.id(r) + " Ready=" + line);
        }
        allReady &= CairnResources.ready(r);
      }
      if (allReady) {
        return;
      }
      if (!operator.alive()) {
        throw new IllegalStateException(
            "the operator exited: see its log under .cairn/logs/operator.log");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "not all resources Ready after " + timeout.toSeconds() + " s: " + last);
      }
      Thread.sleep(250);
    }
  }

  /** Stops the operator first (so it does not react), then every pod, then the API. */
  @Override
  public void close() {
    operator.close();
    cluster.close();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
