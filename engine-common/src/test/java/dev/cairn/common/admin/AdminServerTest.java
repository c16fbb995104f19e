package dev.cairn.common.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.engine.EchoEngine;
import dev.cairn.common.testkit.EngineExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminServerTest {
  @RegisterExtension
  static final EngineExtension<EchoEngine> echo = EngineExtension.of(EchoEngine::new);

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metricsIsPrometheusTextWithJvmAndNettyMeters() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    Map<String, String> types = parseExposition(response.body());
    assertThat(types)
        .containsEntry("jvm_memory_used_bytes", "gauge")
        .containsEntry("jvm_threads_live_threads", "gauge")
        .containsKey("jvm_gc_memory_allocated_bytes_total")
        .containsKey("process_cpu_usage")
        .containsKey("netty_eventexecutor_tasks_pending")
        .containsKey("netty_allocator_memory_used");
    assertThat(response.body()).contains("engine=\"echo\"");
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    echo.engine().setReady(false);
    try {
      assertThat(get("/readyz").statusCode()).isEqualTo(503);
      assertThat(get("/healthz").statusCode()).isEqualTo(200);
    } finally {
      echo.engine().setReady(true);
    }
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    var address = echo.engine().adminAddress();
    URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final Pattern TYPE =
      Pattern.compile(
          "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");

  /**
   * Parses the Prometheus text exposition format 0.0.4 strictly, as a scraper does: every line is a
   * comment, a HELP/TYPE line, or a sample of a declared family. Returns family → type.
   */
  static Map<String, String> parseExposition(String body) {
    Map<String, String> types = new HashMap<>();
    Set<String> sampled = new HashSet<>();
    for (String line : body.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ")) {
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        assertThat(types.put(type.group(1), type.group(2)))
            .as("family declared twice: " + line)
            .isNull();
        continue;
      }
      assertThat(line).doesNotStartWith("#");
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("not a valid sample line: " + line).isTrue();
      String name = sample.group(1);
      String family = name.replaceAll("_(bucket|count|sum|total|created)$", "");
      assertThat(types.containsKey(name) || types.containsKey(family))
          .as("sample without TYPE: " + line)
          .isTrue();
      sampled.add(name);
    }
    assertThat(sampled).isNotEmpty();
    return types;
  }
}
