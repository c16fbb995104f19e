package dev.cairn.common.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Whether a started engine process serves yet; asked repeatedly until it does. */
@FunctionalInterface
public interface Readiness {
  /** A probe must answer quickly, true or false; the caller bounds the waiting. */
  Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  boolean ready() throws InterruptedException;

  /**
   * The engines' own readiness, as Kubernetes asks it: {@code GET /readyz} on the admin port
   * answers 200 once the engine serves (log loaded, dataset loaded, quorum joined).
   */
  static Readiness readyz(InetAddress address, int adminPort) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + address.getHostAddress() + ":" + adminPort + "/readyz"))
            .timeout(PROBE_TIMEOUT)
            .build();
    return () -> {
      try {
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notServingYet) {
        return false;
      }
    };
  }
}
