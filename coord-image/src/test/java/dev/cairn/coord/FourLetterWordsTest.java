package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.testkit.EngineExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
