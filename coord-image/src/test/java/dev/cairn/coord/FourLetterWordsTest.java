package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Four-letter words on the client port, the whitelist, and the admin HTTP port. */
class FourLetterWordsTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> restricted =
      EngineExtension.of(() ->
          new CoordinatorEngine(
              TestCoordinators.config().set("4lw.commands.whitelist", "ruok, srvr").build()));

  @Test
  void answersLikeZooKeeper() throws Exception {
    assertThat(FourLetter.ask(coord.engine(), "ruok")).isEqualTo("imok");
    assertThat(FourLetter.ask(coord.engine(), "isro")).isEqualTo("rw");
    assertThat(FourLetter.ask(coord.engine(), "srvr"))
        .startsWith("Zookeeper version: ")
        .contains("Mode: standalone\n", "Node count: 4\n");
    assertThat(FourLetter.ask(coord.engine(), "mntr"))
        .contains(
            "zk_version\t",
            "zk_avg_latency\t",
            "zk_znode_count\t4\n",
            "zk_num_alive_connections\t",
            "zk_server_state\tstandalone\n");
    assertThat(FourLetter.ask(coord.engine(), "stat")).contains("Clients:\n");
    assertThat(FourLetter.ask(coord.engine(), "conf")).contains("tickTime=200\n");
    assertThat(FourLetter.ask(coord.engine(), "envi")).startsWith("Environment:\n");
    assertThat(FourLetter.ask(coord.engine(), "wchs")).contains("Total watches:0");
    assertThat(FourLetter.ask(coord.engine(), "cons")).isNotNull();
  }

  /** "key<sep>value" lines (after an optional title line) as monitoring scripts split them. */
  private static Map<String, String> fields(String text, String sep) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int at = line.indexOf(sep);
      if (at > 0) {
        out.put(line.substring(0, at), line.substring(at + 1));
      }
    }
    return out;
  }

  @Test
  void mntrHasZooKeepersStandardSetWithRealValues() throws Exception {
    try (ZooKeeper zk = TestCoordinators.connect(coord.engine())) {
      zk.create("/mntr", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      zk.exists("/mntr", true);
      zk.exists("/missing", false);
      Map<String, String> m = fields(FourLetter.ask(coord.engine(), "mntr"), "\t");

      assertThat(m)
          .containsKeys(
              "zk_version",
              "zk_avg_latency",
              "zk_max_latency",
              "zk_min_latency",
              "zk_open_file_descriptor_count",
              "zk_max_file_descriptor_count",
              "zk_connection_drop_probability",
              "zk_outstanding_tls_handshake",
              "zk_auth_failed_count",
              "zk_non_mtls_remote_conn_count")
          .containsEntry("zk_server_state", "standalone")
          .containsEntry("zk_znode_count", "5")
          .containsEntry("zk_ephemerals_count", "1")
          .containsEntry("zk_watch_count", "1")
          .containsEntry("zk_outstanding_requests", "0")
          .containsEntry("zk_local_sessions", "0");
      assertThat(Long.parseLong(m.get("zk_packets_received"))).isGreaterThanOrEqualTo(3);
      assertThat(Long.parseLong(m.get("zk_packets_sent"))).isGreaterThanOrEqualTo(3);
      assertThat(Long.parseLong(m.get("zk_num_alive_connections"))).isGreaterThanOrEqualTo(1);
      assertThat(Long.parseLong(m.get("zk_global_sessions"))).isGreaterThanOrEqualTo(1);
      assertThat(Long.parseLong(m.get("zk_uptime"))).isPositive();
      assertThat(Long.parseLong(m.get("zk_approximate_data_size"))).isGreaterThanOrEqualTo(10);
      assertThat(Double.parseDouble(m.get("zk_avg_latency"))).isNotNegative();
      // A reply header is 16 bytes, all an exists of a missing node gets; a stat adds 68.
      assertThat(Integer.parseInt(m.get("zk_min_client_response_size"))).isEqualTo(16);
      assertThat(Integer.parseInt(m.get("zk_max_client_response_size")))
          .isGreaterThanOrEqualTo(16 + 68);
      assertThat(Integer.parseInt(m.get("zk_last_client_response_size"))).isPositive();
      assertThat(Long.parseLong(m.get("zk_non_mtls_local_conn_count"))).isGreaterThanOrEqualTo(2);
      assertThat(Long.parseLong(m.get("zk_open_file_descriptor_count"))).isPositive();
    }
  }

  @Test
  void confAndEnviHaveTheFieldsZooKeeperPrints() throws Exception {
    CoordinatorConfig config = coord.engine().config();
    Map<String, String> conf = fields(FourLetter.ask(coord.engine(), "conf"), "=");
    assertThat(conf)
        .containsEntry("secureClientPort", "-1")
        .containsEntry("dataDir", config.dataDir().toAbsolutePath().toString())
        .containsEntry("dataLogDir", config.dataLogDir().toAbsolutePath().toString())
        .containsEntry("tickTime", "200")
        .containsEntry("minSessionTimeout", "400")
        .containsEntry("maxSessionTimeout", "4000")
        .containsEntry("serverId", "0");
    // The snapshot taken at start-up and the preallocated log file are in there.
    assertThat(Long.parseLong(conf.get("dataDirSize"))).isPositive();
    assertThat(Long.parseLong(conf.get("dataLogSize"))).isPositive();

    Map<String, String> envi = fields(FourLetter.ask(coord.engine(), "envi"), "=");
    for (String key :
        List.of(
            "java.version",
            "java.library.path",
            "java.io.tmpdir",
            "os.name",
            "os.arch",
            "os.version",
            "user.name",
            "user.home",
            "user.dir")) {
      assertThat(envi).containsEntry(key, System.getProperty(key));
    }
    assertThat(envi).containsKeys("zookeeper.version", "host.name", "java.compiler");
    long maxMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    assertThat(envi).containsEntry("os.memory.max", maxMb + "MB");
    assertThat(envi.get("os.memory.free")).matches("[0-9]+MB");
    assertThat(envi.get("os.memory.total")).matches("[0-9]+MB");
  }

  @Test
  void wordsOutsideTheWhitelistAreRefused() throws Exception {
    assertThat(FourLetter.ask(restricted.engine(), "ruok")).isEqualTo("imok");
    assertThat(FourLetter.ask(restricted.engine(), "mntr"))
        .isEqualTo("mntr is not executed because it is not in the whitelist.\n");
  }

  @Test
  void adminPortServesMetricsAndReadiness() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + coord.engine().adminAddress().getPort();
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("cairn_coord_znodes", "cairn_coord_sessions");
  }
}
