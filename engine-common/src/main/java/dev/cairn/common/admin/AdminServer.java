package dev.cairn.common.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's admin HTTP port: {@code GET /metrics} (Prometheus text format 0.0.4), {@code
 * /healthz} (200 while the process serves HTTP at all) and {@code /readyz} (200 when the engine
 * says it is ready, 503 otherwise — the Kubernetes readiness probe).
 *
 * <p>Uses the JDK's HTTP server on one small thread pool so scrapes never touch the engine's I/O
 * threads.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;

  private AdminServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  public static AdminServer start(
      String engine,
      InetSocketAddress address,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready)
      throws IOException {
    HttpServer http = HttpServer.create(address, 64);
    http.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, registry.scrape()));
    http.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
    http.createContext(
        "/readyz",
        ex -> {
          boolean ok = ready.getAsBoolean();
          respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
    http.createContext("/", ex -> respond(ex, 404, "text/plain", "not found\n"));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, engine + "-admin");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    http.start();
    log.info("{} admin HTTP on {}", engine, http.getAddress());
    return new AdminServer(http, executor);
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
