package dev.cairn.helm;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** {@code version} and {@code appVersion} as the chart's Chart.yaml declares them. */
final class ChartVersion {
  private ChartVersion() {}

  static String version() {
    return field("version");
  }

  static String appVersion() {
    return field("appVersion");
  }

  private static String field(String name) {
    try {
      Map<?, ?> chart =
          new KubernetesSerialization()
              .unmarshal(Files.readString(RenderedChart.CHART.resolve("Chart.yaml")), Map.class);
      return String.valueOf(chart.get(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
