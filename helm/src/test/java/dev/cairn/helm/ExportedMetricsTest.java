package dev.cairn.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.cache.CacheEngine;
import dev.cairn.cache.config.CacheConfig;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.common.testkit.FreePorts;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the engines' dashboards and alert rules name is one a live engine exports: the three
 * engines run in this JVM, each serves one request (so per-API and per-command series exist), and
 * their {@code /metrics} are scraped. {@code up} is Prometheus's own. The operator's dashboard and
 * rule group name the operator's metrics, which OperatorJarIT scrapes.
 */
class ExportedMetricsTest {
  private static final String OPERATOR_DASHBOARD = "cairn-operator.json";
  private static final String OPERATOR_GROUP = "cairn-operator";
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  @RegisterExtension
  static final EngineExtension<CacheEngine> cache =
      EngineExtension.of(() -> new CacheEngine(CacheConfig.forTest(FreePorts.next())));

  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coordinator =
      EngineExtension.of(() ->
          new CoordinatorEngine(
              CoordinatorConfig.builder(scratch("coord"))
                  .clientPort(0)
                  .clientPortAddress("127.0.0.1")
                  .adminPort(0)
                  .adminAddress("127.0.0.1")
                  .build()));

  /** Without zookeeper.connect the broker runs its own coordinator. */
  @RegisterExtension
  static final EngineExtension<BrokerEngine> broker =
      EngineExtension.of(() ->
          new BrokerEngine(
              BrokerConfig.of(
                  Map.of(
                      "listeners", "PLAINTEXT://127.0.0.1:0",
                      "cairn.admin.host", "127.0.0.1",
                      "cairn.admin.port", "0",
                      "log.dirs", scratch("broker").toString()))));

  private static final Set<String> exported = new TreeSet<>();

  @BeforeAll
  static void scrapeAfterOneRequestEach() throws Exception {
    Properties admin = new Properties();
    admin.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        "127.0.0.1:" + broker.engine().boundAddress().getPort());
    try (Admin client = Admin.create(admin)) {
      client.describeCluster().nodes().get();
      // A partition this broker leads and a group's committed offset: the consumer-lag series.
      client.createTopics(List.of(new NewTopic("metrics", 1, (short) 1))).all().get();
      TopicPartition tp = new TopicPartition("metrics", 0);
      client
          .alterConsumerGroupOffsets("metrics-group", Map.of(tp, new OffsetAndMetadata(0)))
          .all()
          .get();
    }
    try (Socket s = new Socket("127.0.0.1", cache.engine().address().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(s.getInputStream().read()).as("reply to GET").isEqualTo('$');
    }
    for (InetSocketAddress adminAddress :
        List.of(
            broker.engine().adminAddress(),
            coordinator.engine().adminAddress(),
            cache.engine().adminAddress())) {
      exported.addAll(seriesNames(scrape(adminAddress)));
    }
  }

  @Test
  void engineDashboardsNameOnlyExportedMetrics() throws IOException {
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(RenderedChart.CHART.resolve("dashboards"))) {
      dashboards =
          files.filter(f -> !f.getFileName().toString().equals(OPERATOR_DASHBOARD)).toList();
    }
    assertThat(dashboards).hasSize(3);
    for (Path dashboard : dashboards) {
      for (String expr : targetExpressions(dashboard)) {
        assertNamesExported(dashboard.getFileName() + ": " + expr, expr);
      }
    }
  }

  /**
   * Every panel's query is valid PromQL (Grafana only says so when the panel is opened): promtool
   * parses them as the expressions of recording rules, dashboard variables as any value.
   */
  @Test
  void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int n = 0;
    try (Stream<Path> files = Files.list(RenderedChart.CHART.resolve("dashboards"))) {
      for (Path dashboard : files.sorted().toList()) {
        for (String expr : targetExpressions(dashboard)) {
          String query = expr.replace("$namespace", ".*").replace("$instance", ".*");
          rules
              .append("      - record: dashboard:query")
              .append(n++)
              .append("\n        expr: ")
              .append(new KubernetesSerialization().asJson(query))
              .append('\n');
        }
      }
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);
    Promtool.Run check = Promtool.run("check", "rules", file.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + n + " rules found");
  }

  @Test
  void engineAlertRulesNameOnlyExportedMetrics() throws IOException {
    List<AlertRules.Rule> rules =
        AlertRules.load().rules().stream().filter(r -> !r.group().equals(OPERATOR_GROUP)).toList();
    assertThat(rules).isNotEmpty();
    for (AlertRules.Rule rule : rules) {
      assertNamesExported(rule.alert(), rule.expr());
    }
  }

  private static void assertNamesExported(String where, String expr) {
    Set<String> names = PromQl.metricNames(expr);
    assertThat(names).as("metrics in %s", where).isNotEmpty();
    names.removeAll(PROMETHEUS_OWN);
    assertThat(exported).as("exported by an engine, named in %s", where).containsAll(names);
  }

  private static List<String> targetExpressions(Path dashboard) throws IOException {
    Map<?, ?> json =
        new KubernetesSerialization().unmarshal(Files.readString(dashboard), Map.class);
    return ((List<?>) json.get("panels"))
        .stream()
            .map(Map.class::cast)
            .flatMap(p -> ((List<?>) p.get("targets")).stream().map(Map.class::cast))
            .map(t -> (String) t.get("expr"))
            .toList();
  }

  private static String scrape(InetSocketAddress admin) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  /** Names of the series in a Prometheus text exposition. */
  private static Set<String> seriesNames(String exposition) {
    Set<String> names = new TreeSet<>();
    exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  private static Path scratch(String engine) throws IOException {
    Path target = Path.of("target");
    Files.createDirectories(target);
    return Files.createTempDirectory(target, engine + "-");
  }
}
