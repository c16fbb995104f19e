package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code kubectl apply -f} for the local cluster: creates each object of a (multi-document) YAML
 * file, or replaces the spec of one that exists while keeping its status, since the mock API has no
 * server-side apply.
 */
public final class Manifests {
  private Manifests() {}

  /** Applies every {@code .yaml}/{@code .yml} file of {@code path} (a file or a directory). */
  public static List<HasMetadata> apply(KubernetesClient client, Path path) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      }
    } else {
      files.add(path);
    }
    List<HasMetadata> applied = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata object : client.load(in).items()) {
          applied.add(apply(client, object));
        }
      }
    }
    return applied;
  }

  static HasMetadata apply(KubernetesClient client, HasMetadata object) {
    if (object.getMetadata().getNamespace() == null && namespaced(object)) {
      object.getMetadata().setNamespace("default");
    }
    HasMetadata current = client.resource(object).get();
    if (current == null) {
      return client.resource(object).create();
    }
    object.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    object.getMetadata().setUid(current.getMetadata().getUid());
    if (object instanceof GenericKubernetesResource generic
        && current instanceof GenericKubernetesResource live) {
      Object status = live.getAdditionalProperties().get("status");
      if (status != null) {
        generic.getAdditionalProperties().put("status", status);
      }
    }
    return client.resource(object).update();
  }

  private static boolean namespaced(HasMetadata object) {
    return !(object.getKind().equals("CustomResourceDefinition")
        || object.getKind().equals("Namespace")
        || object.getKind().startsWith("Cluster"));
  }
}
