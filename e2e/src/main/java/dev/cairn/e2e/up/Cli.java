package dev.cairn.e2e.up;

import dev.cairn.e2e.local.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./cairn up | apply -f FILE | get | down --purge}: the whole platform on one machine.
 *
 * <p>{@code up} starts the local cluster (API on 127.0.0.1:{@value #API_PORT}), applies the CRDs,
 * starts the real operator, applies {@code examples/}, waits until every resource is Ready, prints
 * endpoints and client commands, and runs until Ctrl-C. State (pod addresses, volumes) and logs
 * stay under {@code .cairn/} for the next run.
 */
public final class Cli {
  static final int API_PORT = 16443;
  static final int PROMETHEUS_PORT = 9090;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
  private static final PrintStream out = System.out;

  private Cli() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("cairn.root", ".")).toAbsolutePath().normalize();
    Path home = root.resolve(".cairn");
    String command = args.length == 0 ? "up" : args[0];
    switch (command) {
      case "up" -> {
        if (args.length > 2 || args.length == 2 && !"--prometheus".equals(args[1])) {
          usage();
        }
        up(root, home, args.length == 2);
      }
      case "apply" -> {
        if (args.length != 3 || !"-f".equals(args[1])) {
          usage();
        }
        try (KubernetesClient client = connect(home)) {
          Manifests.apply(client, Path.of(args[2]))
              .forEach(
                  o -> out.println(o.getKind() + "/" + o.getMetadata().getName() + " applied"));
        }
      }
      case "get" -> {
        try (KubernetesClient client = connect(home)) {
          printTable(client);
        }
      }
      case "down" -> down(home, args.length > 1 && "--purge".equals(args[1]));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: ./cairn up [--prometheus] | apply -f FILE | get | down [--purge]");
    System.exit(2);
  }

  private static void up(Path root, Path home, boolean withPrometheus) throws Exception {
    if (!portFree(API_PORT)) {
      throw new IllegalStateException(
          "127.0.0.1:" + API_PORT + " is in use: is `./cairn up` already running?");
    }
    if (withPrometheus && !portFree(PROMETHEUS_PORT)) {
      throw new IllegalStateException(
          "127.0.0.1:" + PROMETHEUS_PORT + " is in use: another Prometheus is running");
    }
    LocalPlatform platform = LocalPlatform.start(root, home, API_PORT);
    AtomicReference<LocalPrometheus> prometheus = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> {
              out.println("\nstopping: operator, then pods (data stays in " + home + ")");
              if (prometheus.get() != null) {
                prometheus.get().close();
              }
              platform.close();
              stopped.countDown();
            }));
    out.println(
        "local Kubernetes API on 127.0.0.1:"
            + API_PORT
            + ", kubeconfig "
            + platform.cluster().kubeconfig());
    out.println("operator started (log: " + home.resolve("logs/operator.log") + ")");
    List<String> applied =
        platform.applyExamples().stream()
            .map(o -> o.getKind() + "/" + o.getMetadata().getName())
            .toList();
    out.println("applied examples: " + String.join(", ", applied));
    platform.awaitAllReady(READY_TIMEOUT, line -> out.println("  " + line));
    printEndpoints(platform.client());
    if (withPrometheus) {
      prometheus.set(platform.startPrometheus(PROMETHEUS_PORT));
      out.println(
          "\nPrometheus: "
              + prometheus.get().url()
              + " (every pod's metrics and the operator's, alert rules of helm/cairn/alerts.yaml;"
              + " log: "
              + home.resolve("logs/prometheus.log")
              + ")");
    }
    stopped.await();
  }

  private static void printEndpoints(KubernetesClient client) {
    out.println("\nCairn is up.");
    for (GenericKubernetesResource r : CairnResources.list(client)) {
      Integer port = CairnResources.CLIENT_PORTS.get(r.getKind());
      if (port == null) {
        continue;
      }
      List<String> addresses =
          CairnResources.pods(client, r).stream()
              .map(Pod::getStatus)
              .map(s -> s.getPodIP() + ":" + port)
              .toList();
      String endpoints = String.join(",", addresses);
      out.println("\n" + CairnResources.id(r) + ": " + endpoints);
      switch (r.getKind()) {
        case "Ensemble" ->
            out.println("  /usr/share/zookeeper/bin/zkCli.sh -server " + endpoints + " ls /");
        case "BrokerCluster" -> out.println("  kcat -b " + endpoints + " -L");
        case "CacheCluster" -> {
          String first = addresses.get(0);
          String host = first.substring(0, first.indexOf(':'));
          out.println("  redis-cli -h " + host + " -p " + port + password(client, r) + " ping");
        }
        default -> {}
      }
      for (Pod pod : CairnResources.pods(client, r)) {
        out.println(
            "  metrics: http://"
                + pod.getStatus().getPodIP()
                + ":"
                + CairnResources.ADMIN_PORTS.get(r.getKind())
                + "/metrics");
      }
    }
    out.println(
        "\nkubectl: KUBECONFIG=.cairn/state/kubeconfig kubectl get cairn    ./cairn get    Ctrl-C stops (data stays)");
  }

  /** {@code " -a <password>"} when the cache has a password Secret, as redis-cli takes it. */
  @SuppressWarnings("unchecked")
  private static String password(KubernetesClient client, GenericKubernetesResource cache) {
    Map<String, Object> spec = (Map<String, Object>) cache.getAdditionalProperties().get("spec");
    if (!(spec.get("auth") instanceof Map<?, ?> auth)
        || !(auth.get("passwordSecretRef") instanceof Map<?, ?> ref)) {
      return "";
    }
    Secret secret =
        client
            .secrets()
            .inNamespace(cache.getMetadata().getNamespace())
            .withName(String.valueOf(ref.get("name")))
            .get();
    String key = String.valueOf(ref.get("key"));
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(key)) {
      return "";
    }
    String password =
        new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    return " -a '" + password + "' --no-auth-warning";
  }

  private static void printTable(KubernetesClient client) {
    out.printf("%-30s %-8s %s%n", "RESOURCE", "READY", "MESSAGE");
    for (GenericKubernetesResource r : CairnResources.list(client)) {
      CairnResources.Condition ready = CairnResources.condition(r, "Ready");
      out.printf("%-30s %-8s %s%n", CairnResources.id(r), ready.status(), ready.message());
    }
  }

  private static KubernetesClient connect(Path home) throws IOException {
    Path kubeconfig = home.resolve("state/kubeconfig");
    if (!Files.exists(kubeconfig) || portFree(API_PORT)) {
      throw new IllegalStateException("the local cluster is not running: start it with ./cairn up");
    }
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();
  }

  private static void down(Path home, boolean purge) throws IOException {
    if (!portFree(API_PORT)) {
      throw new IllegalStateException(
          "the local cluster is running: stop `./cairn up` (Ctrl-C) first");
    }
    if (purge && Files.exists(home)) {
      try (var walk = Files.walk(home)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      out.println("deleted " + home);
    } else {
      out.println("nothing running" + (purge ? "" : "; `./cairn down --purge` deletes " + home));
    }
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }
}
