package dev.cairn.e2e.up;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's Prometheus ({@code /usr/bin/prometheus}) scraping the local cluster as it would scrape a
 * real one: every pod annotated {@code prometheus.io/scrape: "true"} on the annotated port and
 * path, its labels copied onto the series as the chart's PodMonitor copies them ({@code
 * app_kubernetes_io_*}, plus {@code namespace} and {@code pod}), the operator's own metrics, and
 * the chart's alert rules loaded. Pods come and go with the resources, so the target list is a file
 * (Prometheus's file discovery) rewritten from the API every few seconds.
 */
public final class LocalPrometheus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPrometheus.class);
  private static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final Process process;
  private final ScheduledExecutorService discovery;
  private final URI url;

  private LocalPrometheus(Process process, ScheduledExecutorService discovery, URI url) {
    this.process = process;
    this.discovery = discovery;
    this.url = url;
  }

  /**
   * Starts Prometheus on 127.0.0.1:{@code port} with its configuration and data under {@code dir},
   * the rules of {@code rules}, scraping the pods {@code client} lists and the operator's metrics
   * at {@code operatorMetrics} (host:port).
   */
  public static LocalPrometheus start(
      KubernetesClient client, Path dir, Path rules, String operatorMetrics, int port, Path log)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IOException(
          BINARY + " is missing: install Debian's prometheus package (scripts/install-test-peers)");
    }
    Files.createDirectories(dir);
    Files.createDirectories(log.toAbsolutePath().getParent());
    Path targets = dir.resolve("pods.json");
    writeTargets(client, targets);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, config(rules, targets, operatorMetrics));
    ScheduledExecutorService discovery =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "prometheus-discovery");
          t.setDaemon(true);
          return t;
        });
    discovery.scheduleWithFixedDelay(
        () -> {
          try {
            writeTargets(client, targets);
          } catch (IOException | RuntimeException e) {
            LocalPrometheus.log.warn("prometheus targets not refreshed: {}", e.toString());
          }
        },
        2,
        2,
        TimeUnit.SECONDS);
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(),
                "--storage.tsdb.retention.time=2d",
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    LocalPrometheus prometheus =
        new LocalPrometheus(process, discovery, URI.create("http://127.0.0.1:" + port + "/"));
    try {
      prometheus.awaitReady(Duration.ofSeconds(60), log);
    } catch (IOException | RuntimeException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** Where its web UI and HTTP API answer. */
  public URI url() {
    return url;
  }

  private void awaitReady(Duration timeout, Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("prometheus exited with " + process.exitValue() + ": see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(url.resolve("-/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IOException("prometheus not ready after " + timeout.toSeconds() + " s: see " + log);
  }

  private static String config(Path rules, Path targets, String operatorMetrics) {
    return """
    # Written by ./cairn up --prometheus: the local cluster's pods (file discovery, rewritten
    # from the API every 2 s) and the operator, with the chart's alert rules.
    global:
      scrape_interval: 5s
      evaluation_interval: 5s
    rule_files:
      - %s
    scrape_configs:
      - job_name: cairn-pods
        file_sd_configs:
          - files: [%s]
            refresh_interval: 5s
      - job_name: cairn-operator
        metrics_path: /metrics
        static_configs:
          - targets: ['%s']
    """
        .formatted(rules.toAbsolutePath(), targets.toAbsolutePath(), operatorMetrics);
  }

  /** The scrape targets of every annotated pod that has an address, as file discovery reads. */
  private static void writeTargets(KubernetesClient client, Path file) throws IOException {
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (annotations == null || !"true".equals(annotations.get("prometheus.io/scrape"))) {
        continue;
      }
      if (ip == null || ip.isEmpty() || !annotations.containsKey("prometheus.io/port")) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("__metrics_path__", annotations.getOrDefault("prometheus.io/path", "/metrics"));
      labels.put("namespace", pod.getMetadata().getNamespace());
      labels.put("pod", pod.getMetadata().getName());
      if (pod.getMetadata().getLabels() != null) {
        pod.getMetadata()
            .getLabels()
            .forEach((k, v) -> {
              if (k.startsWith("app.kubernetes.io/")) {
                labels.put(k.replaceAll("[^a-zA-Z0-9_]", "_"), v);
              }
            });
      }
      groups.add(
          Map.of(
              "targets",
              List.of(ip + ":" + annotations.get("prometheus.io/port")),
              "labels",
              labels));
    }
    // Replaced atomically: Prometheus may read the file at any moment.
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Serialization.asJson(groups));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    discovery.shutdownNow();
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
