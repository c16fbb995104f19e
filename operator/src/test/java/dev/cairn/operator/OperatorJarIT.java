package dev.cairn.operator;

import static dev.cairn.operator.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.operator.cache.CacheCluster;
import dev.cairn.operator.testing.LocalOperator;
import dev.cairn.operator.testing.StatefulSetSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator ({@code target/quarkus-app}, run after {@code package}) as its image runs
 * it: its own JVM with {@code jvm.options}, against fabric8's mock API server. Proves the Quarkus
 * wiring the in-process tests bypass: the controllers start, a CacheCluster becomes Ready, and
 * {@code /metrics} serves java-operator-sdk's reconciliation counters next to {@code
 * cairn_operator_*}.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorJarIT {
  private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

  static KubernetesClient client;

  @Test
  void packagedOperatorReconcilesAndExportsReconciliationMetrics() throws Exception {
    LocalOperator.registerCrds(client);
    client.getKubernetesSerialization().registerKubernetesResource(CacheCluster.class);
    Path app = Path.of("target", "quarkus-app");
    Path log = Path.of("target", "operator-jar-it.log");
    Process operator =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + Path.of("jvm.options").toAbsolutePath(),
                    "-Dkubernetes.master=" + client.getConfiguration().getMasterUrl(),
                    "-Dkubernetes.auth.tryKubeConfig=false",
                    "-Dquarkus.profile=local",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=0",
                    "-jar",
                    "quarkus-run.jar"))
            .directory(app.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try (StatefulSetSimulator pods = new StatefulSetSimulator(client)) {
      int port =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> listeningPort(log, operator), p -> p > 0);

      CacheCluster cache = new CacheCluster();
      cache.setMetadata(new ObjectMetaBuilder().withName("redis").withNamespace("jar").build());
      client.resource(cache).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() ->
              assertThat(condition(client, CacheCluster.class, "jar", "redis", "Ready"))
                  .isNotNull()
                  .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True")));

      // The resource is re-checked after 10 s: a timer event, which JOSDK counts without an
      // action tag; Prometheus accepts it only with the label set the resource events have.
      String metrics =
          await()
              .atMost(Duration.ofSeconds(40))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> scrape(port), m -> m.contains("events_received_total{action=\"none\""));
      assertThat(metrics)
          .containsPattern("(?m)^reconciliations_started_total\\{controller_name=\"cachecluster\"")
          .containsPattern("(?m)^reconciliations_success_total\\{controller_name=\"cachecluster\"")
          .contains("cairn_operator_managed_resources{kind=\"CacheCluster\",state=\"ready\"} 1.0");
      assertThat(Files.readString(log)).doesNotContain("Prometheus requires");
    } finally {
      operator.destroy();
      if (!operator.waitFor(15, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
    }
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The HTTP port from Quarkus' "Listening on" line, 0 while not started. */
  private static int listeningPort(Path log, Process operator) throws IOException {
    assertThat(operator.isAlive()).as("operator exited; see " + log).isTrue();
    Matcher m = LISTENING.matcher(Files.readString(log));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
