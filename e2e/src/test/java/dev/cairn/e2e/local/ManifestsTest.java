package dev.cairn.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
  private static final String CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.dev
      spec:
        group: example.dev
        scope: Namespaced
        names: {kind: Widget, plural: widgets, singular: widget}
        versions:
        - name: v1
          served: true
          storage: true
          subresources: {status: {}}
          schema:
            openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;
  private static final ResourceDefinitionContext WIDGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("example.dev")
          .withVersion("v1")
          .withKind("Widget")
          .withPlural("widgets")
          .withNamespaced(true)
          .build();

  @TempDir Path dir;
  private LocalApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    api = new LocalApiServer(0);
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void appliesADirectoryOfMultiDocumentFilesAndReappliesKeepingStatus() throws Exception {
    Files.writeString(dir.resolve("00-crd.yaml"), CRD);
    Files.writeString(
        dir.resolve("widget.yaml"),
        """
        apiVersion: example.dev/v1
        kind: Widget
        metadata: {name: w1}
        spec: {size: 1}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {a: "1"}
        """);
    assertThat(Manifests.apply(client, dir)).hasSize(3);
    GenericKubernetesResource widget =
        client.genericKubernetesResources(WIDGETS).inNamespace("default").withName("w1").get();
    widget.getAdditionalProperties().put("status", Map.of("phase", "Ready"));
    client
        .genericKubernetesResources(WIDGETS)
        .inNamespace("default")
        .resource(widget)
        .updateStatus();

    Files.writeString(
        dir.resolve("widget.yaml"),
        """
        apiVersion: example.dev/v1
        kind: Widget
        metadata: {name: w1}
        spec: {size: 3}
        """);
    Manifests.apply(client, dir.resolve("widget.yaml"));
    GenericKubernetesResource updated =
        client.genericKubernetesResources(WIDGETS).inNamespace("default").withName("w1").get();
    assertThat(updated.getAdditionalProperties().get("spec")).isEqualTo(Map.of("size", 3));
    assertThat(updated.getAdditionalProperties().get("status")).isEqualTo(Map.of("phase", "Ready"));
    assertThat(client.configMaps().inNamespace("default").withName("settings").get().getData())
        .containsEntry("a", "1");
  }
}
