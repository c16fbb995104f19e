package dev.cairn.e2e.local;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * The local cluster's Kubernetes API: fabric8's mock server in CRUD mode on a loopback port. It
 * stores and watches any object (custom resources once their CRD is created) but runs no
 * controllers and has no server-side apply; the {@link PodRunner} plays the StatefulSet controller
 * and kubelet.
 */
public final class LocalApiServer implements AutoCloseable {
  /** The mock server logs every request at INFO through java.util.logging; keep only warnings. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public LocalApiServer(int port) {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new LocalApiDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), port);
    client = server.createClient();
  }

  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  /** Writes a kubeconfig that kubectl, k9s or the operator can use to reach this API. */
  public Path writeKubeconfig(Path file) throws IOException {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: cairn-local
          cluster:
            server: %s
        users:
        - name: cairn-local
          user:
            token: local
        contexts:
        - name: cairn-local
          context:
            cluster: cairn-local
            user: cairn-local
            namespace: default
        current-context: cairn-local
        """
            .formatted(url());
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
    return file;
  }

  /** A client configuration equivalent to the kubeconfig, for in-process users. */
  public Config config() {
    return client.getConfiguration();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
