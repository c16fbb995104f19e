package dev.cairn.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart in {@code cairn/} as {@code helm template} renders it (Helm's own engine, through
 * helm-java), parsed into Kubernetes model objects; kinds without a model class (PodMonitor,
 * PrometheusRule) parse as generic resources.
 */
record RenderedChart(String manifest, List<HasMetadata> objects) {
  static final Path CHART = Path.of("cairn");
  static final String RELEASE = "cairn";
  static final String NAMESPACE = "cairn-system";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Helm helm() {
    return new Helm(CHART);
  }

  /** Renders with the given values files (later ones win, as with {@code -f}). */
  static RenderedChart render(Path... valuesFiles) {
    TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
    Arrays.stream(valuesFiles).forEach(template::withValuesFile);
    return parse(template.call());
  }

  static RenderedChart parse(String manifest) {
    List<HasMetadata> objects =
        DOCUMENT_SEPARATOR
            .splitAsStream(manifest)
            .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
            .map(doc -> SERIALIZATION.<HasMetadata>unmarshal(doc))
            .toList();
    return new RenderedChart(manifest, objects);
  }

  <T extends HasMetadata> Stream<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast);
  }

  Stream<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind));
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }
}
