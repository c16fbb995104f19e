package dev.cairn.operator.bench;

import dev.cairn.operator.cache.CacheCluster;
import dev.cairn.operator.ensemble.Ensemble;
import dev.cairn.operator.testing.StatefulSetSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Not a test: the API server side of {@code bench/operator/footprint.sh} and of the operator's AOT
 * training run ({@code operator/aot/train.sh}). Arguments: {@code N} and the directory of the CRD
 * files ({@code *-v1.yml}, default {@code ../crds}). Starts fabric8's mock API server (CRUD) on
 * 127.0.0.1, registers the CRDs and prints {@code API <url>}; after a line on standard input
 * creates {@code N} resources (half Ensembles, half CacheClusters, each in its own namespace), runs
 * the StatefulSet stand-in so their pods become ready, and prints {@code READY <n>} once every one
 * of them reports Ready ({@code NOT-READY <n>} after two minutes). A second line on standard input
 * stops it.
 */
public final class FootprintApiServer {
  // The mock server logs every request at INFO; held here because JUL keeps loggers weakly.
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private FootprintApiServer() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args.length > 0 ? args[0] : "100");
    Path crds = Path.of(args.length > 1 ? args[1] : "../crds");
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(),
            false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    try (var files = Files.list(crds)) {
      for (Path f : files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).create();
        }
      }
    }
    System.out.println("API " + client.getConfiguration().getMasterUrl());
    var stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
    stdin.readLine();
    try (StatefulSetSimulator pods = new StatefulSetSimulator(client)) {
      for (int i = 0; i < count; i++) {
        String ns = "ns" + i;
        if (i % 2 == 0) {
          Ensemble e = new Ensemble();
          e.setMetadata(new ObjectMetaBuilder().withName("zk").withNamespace(ns).build());
          client.resource(e).create();
        } else {
          CacheCluster c = new CacheCluster();
          c.setMetadata(new ObjectMetaBuilder().withName("redis").withNamespace(ns).build());
          client.resource(c).create();
        }
      }
      long deadline = System.nanoTime() + 120_000_000_000L;
      long ready = 0;
      while (System.nanoTime() < deadline) {
        ready =
            client.resources(Ensemble.class).inAnyNamespace().list().getItems().stream()
                    .filter(e -> e.getStatus() != null && e.getStatus().isReady())
                    .count()
                + client.resources(CacheCluster.class).inAnyNamespace().list().getItems().stream()
                    .filter(c -> c.getStatus() != null && c.getStatus().isReady())
                    .count();
        if (ready == count) {
          break;
        }
        Thread.sleep(250);
      }
      System.out.println((ready == count ? "READY " : "NOT-READY ") + ready);
      stdin.readLine();
    }
    client.close();
    server.destroy();
  }
}
