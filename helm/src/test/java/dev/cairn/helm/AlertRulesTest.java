package dev.cairn.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus reads them: {@code promtool check rules}, and {@code promtool test
 * rules} over {@code alerts-test.yaml}, which must show every alert firing at least once.
 */
class AlertRulesTest {
  private static final Path UNIT_TESTS = Path.of("src", "test", "resources", "alerts-test.yaml");

  @Test
  void prometheusAcceptsTheRules() throws Exception {
    Promtool.Run check = Promtool.run("check", "rules", AlertRules.FILE.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void everyAlertFiresAndStaysQuietAsItsUnitTestsSay() throws Exception {
    Promtool.Run test = Promtool.run("test", "rules", UNIT_TESTS.toString());
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasAUnitTestWhereItFires() throws Exception {
    Map<?, ?> unitTests =
        new KubernetesSerialization().unmarshal(Files.readString(UNIT_TESTS), Map.class);
    List<String> firing =
        ((List<?>) unitTests.get("tests"))
            .stream()
                .map(Map.class::cast)
                .flatMap(t -> ((List<?>) t.get("alert_rule_test")).stream().map(Map.class::cast))
                .filter(c -> !((List<?>) c.get("exp_alerts")).isEmpty())
                .map(c -> (String) c.get("alertname"))
                .toList();
    assertThat(firing)
        .containsAll(AlertRules.load().rules().stream().map(AlertRules.Rule::alert).toList());
  }
}
