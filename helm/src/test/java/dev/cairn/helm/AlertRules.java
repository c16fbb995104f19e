package dev.cairn.helm;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The alerting rules of {@code cairn/alerts.yaml}: group, alert name and expression of each. */
record AlertRules(List<Rule> rules) {
  static final Path FILE = RenderedChart.CHART.resolve("alerts.yaml");

  record Rule(String group, String alert, String expr) {}

  static AlertRules load() throws IOException {
    Map<?, ?> file = new KubernetesSerialization().unmarshal(Files.readString(FILE), Map.class);
    List<Rule> rules =
        ((List<?>) file.get("groups"))
            .stream()
                .map(Map.class::cast)
                .flatMap(group ->
                    ((List<?>) group.get("rules"))
                        .stream()
                            .map(Map.class::cast)
                            .map(r ->
                                new Rule(
                                    (String) group.get("name"),
                                    (String) r.get("alert"),
                                    (String) r.get("expr"))))
                .toList();
    return new AlertRules(rules);
  }
}
