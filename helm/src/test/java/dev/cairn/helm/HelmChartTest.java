package dev.cairn.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart as Helm itself lints and renders it: with the defaults, with every option of
 * values.yaml set ({@code every-option.yaml}), and with values its schema must refuse.
 */
class HelmChartTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final Path EVERY_OPTION = Path.of("src", "test", "resources", "every-option.yaml");

  @Test
  void lintsCleanEvenInStrictMode() {
    LintResult lint = RenderedChart.helm().lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  /**
   * The CRDs Helm installs from the chart ({@code helm show crds}) are those in {@code crds/}, byte
   * for byte (helm-java joins the files without document separators, hence the text comparison).
   */
  @Test
  void crdsAreTheCheckedInOnes() throws IOException {
    String shipped = RenderedChart.helm().show().crds().call();
    List<Path> checkedIn;
    try (Stream<Path> files = Files.list(Path.of("..", "crds"))) {
      checkedIn = files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(checkedIn).hasSize(4);
    for (Path file : checkedIn) {
      assertThat(shipped).as("chart CRDs vs %s", file).contains(Files.readString(file));
    }
    assertThat(
            Pattern.compile("(?m)^kind: \"CustomResourceDefinition\"$").matcher(shipped).results())
        .hasSameSizeAs(checkedIn);
  }

  @Test
  void defaultsRenderANonRootOperatorWithLeastPrivilege() {
    RenderedChart chart = RenderedChart.render();
    Deployment deployment = chart.one(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getImage()).isEqualTo("cairn/operator:" + ChartVersion.appVersion());
    assertThat(operator.getResources())
        .isEqualTo(resources(Map.of("cpu", "100m", "memory", "192Mi"), Map.of("memory", "256Mi")));
    assertThat(pod.getServiceAccountName()).isEqualTo("cairn-operator");
    assertThat(watchedNamespaces(operator)).containsOnly("JOSDK_ALL_NAMESPACES");

    assertThat(chart.all(ClusterRoleBinding.class)).hasSize(1);
    assertThat(chart.all(RoleBinding.class).map(b -> b.getRoleRef().getName()))
        .containsExactly("cairn-operator-leader-election");
    assertNoWildcards(chart);
    assertThat(chart.ofKind("PodMonitor")).isEmpty();
    assertThat(chart.ofKind("PrometheusRule")).isEmpty();
    assertThat(chart.ofKind("ConfigMap")).isEmpty();
  }

  @Test
  void everyOptionTakesEffect() throws IOException {
    assertSetsEveryKey(
        YAML.unmarshal(Files.readString(RenderedChart.CHART.resolve("values.yaml")), Map.class),
        YAML.unmarshal(Files.readString(EVERY_OPTION), Map.class),
        "");
    RenderedChart chart = RenderedChart.render(EVERY_OPTION);
    Deployment deployment = chart.one(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().get(0);

    assertThat(operator.getImage())
        .as("a digest pins the image; the tag is then not used")
        .isEqualTo(
            "registry.example/cairn/operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getImagePullSecrets()).containsExactly(new LocalObjectReference("regcred"));
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(operator.getResources())
        .isEqualTo(resources(Map.of("cpu", "200m", "memory", "256Mi"), Map.of("memory", "384Mi")));
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).singleElement().extracting("key").isEqualTo("dedicated");
    assertThat(pod.getAffinity().getNodeAffinity()).isNotNull();
    assertThat(pod.getPriorityClassName()).isEqualTo("cairn-critical");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

    assertThat(watchedNamespaces(operator)).containsOnly("team-a,team-b");
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class).map(b -> b.getMetadata().getNamespace()))
        .containsExactlyInAnyOrder("team-a", "team-b", RenderedChart.NAMESPACE);
    assertNoWildcards(chart);

    for (String kind : List.of("PodMonitor", "PrometheusRule", "ConfigMap")) {
      assertThat(chart.ofKind(kind).map(o -> o.getMetadata().getLabels()))
          .as(kind)
          .singleElement()
          .satisfies(labels -> assertThat(labels).containsEntry("release", "prometheus"));
    }
    GenericKubernetesResource rule =
        (GenericKubernetesResource) chart.ofKind("PrometheusRule").findFirst().orElseThrow();
    assertThat(rule.<List<?>>get("spec", "groups")).isNotEmpty();
    assertThat(dashboardFiles(chart)).isEqualTo(shippedDashboards());
  }

  @Test
  void aTagWithoutDigestIsUsedAsIs() {
    String image =
        RenderedChart.parse(
                RenderedChart.helm()
                    .template()
                    .withName(RenderedChart.RELEASE)
                    .set("image.tag", "1.2.3")
                    .call())
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getImage();
    assertThat(image).isEqualTo("cairn/operator:1.2.3");
  }

  @Test
  void schemaRefusesAWrongTypeNamingTheKey() {
    assertThatThrownBy(
            () -> RenderedChart.helm().template().withName("cairn").set("replicas", "two").call())
        .hasMessageContaining("replicas")
        .hasMessageContaining("Invalid type. Expected: integer, given: string");
  }

  @Test
  void schemaRefusesAMalformedDigestAndUnknownKeys() {
    assertThatThrownBy(() ->
            RenderedChart.helm().template().withName("cairn").set("image.digest", "latest").call())
        .hasMessageContaining("image.digest");
    assertThatThrownBy(
            () -> RenderedChart.helm().template().withName("cairn").set("replica", 2).call())
        .hasMessageContaining("replica");
  }

  @Test
  void notesSayWhereTheOperatorRunsAndWhatItWatches() {
    String notes =
        RenderedChart.helm()
            .install()
            .withName(RenderedChart.RELEASE)
            .withNamespace(RenderedChart.NAMESPACE)
            .set("watchNamespaces[0]", "team-a")
            .clientOnly()
            .dryRun()
            .call()
            .getOutput();
    assertThat(notes)
        .contains(
            "The Cairn operator "
                + ChartVersion.appVersion()
                + " is installed in namespace cairn-system")
        .contains("watching the namespaces team-a")
        .contains("rollout status deployment/cairn-operator");
  }

  @Test
  void chartVersionIsTheReleaseThisBuildMakes() throws IOException {
    String release = System.getProperty("cairn.version").replaceFirst("-SNAPSHOT$", "");
    assertThat(ChartVersion.version()).isEqualTo(release);
    assertThat(ChartVersion.appVersion()).isEqualTo(release);
  }

  private static List<String> watchedNamespaces(Container operator) {
    return operator.getEnv().stream()
        .filter(e -> e.getName().endsWith("_NAMESPACES"))
        .map(EnvVar::getValue)
        .toList();
  }

  private static ResourceRequirements resources(
      Map<String, String> requests, Map<String, String> limits) {
    ResourceRequirements r = new ResourceRequirements();
    requests.forEach((k, v) -> r.getRequests().put(k, new Quantity(v)));
    limits.forEach((k, v) -> r.getLimits().put(k, new Quantity(v)));
    return r;
  }

  /** RBAC grants named verbs on named resources only: no {@code *} anywhere in a rule. */
  private static void assertNoWildcards(RenderedChart chart) {
    List<PolicyRule> rules =
        Stream.concat(
                chart.all(ClusterRole.class).flatMap(r -> r.getRules().stream()),
                chart.all(Role.class).flatMap(r -> r.getRules().stream()))
            .toList();
    assertThat(rules).isNotEmpty();
    for (PolicyRule rule : rules) {
      assertThat(rule.getVerbs()).as("verbs of %s", rule).isNotEmpty().doesNotContain("*");
      assertThat(rule.getResources()).as("resources of %s", rule).isNotEmpty().doesNotContain("*");
      assertThat(rule.getApiGroups()).as("API groups of %s", rule).doesNotContain("*");
    }
  }

  private static Set<String> dashboardFiles(RenderedChart chart) {
    return chart.one(ConfigMap.class).getData().keySet();
  }

  private static Set<String> shippedDashboards() throws IOException {
    try (Stream<Path> files = Files.list(RenderedChart.CHART.resolve("dashboards"))) {
      return files
          .map(f -> f.getFileName().toString())
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  /**
   * {@code options} sets every key of {@code defaults} to another value, descending into the
   * defaults' non-empty maps (an empty map or list is one option: its whole content).
   */
  private static void assertSetsEveryKey(Map<?, ?> defaults, Map<?, ?> options, String prefix) {
    defaults.forEach((k, v) -> {
      String key = prefix + k;
      assertThat(options.containsKey(k)).as("every-option.yaml sets %s", key).isTrue();
      Object option = options.get(k);
      if (v instanceof Map<?, ?> m && !m.isEmpty()) {
        assertSetsEveryKey(m, (Map<?, ?>) option, key + ".");
      } else {
        assertThat(option)
            .as("every-option.yaml's %s differs from the default", key)
            .isNotEqualTo(v);
      }
    });
  }
}
