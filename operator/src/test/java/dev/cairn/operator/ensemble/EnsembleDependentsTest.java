package dev.cairn.operator.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.coord.quorum.MyIdFromHostname;
import dev.cairn.operator.common.InvalidSpecException;
import dev.cairn.operator.common.Workload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure desired state of every object an Ensemble owns. */
class EnsembleDependentsTest {
  static Ensemble ensemble(Map<String, String> config) {
    Ensemble e = new Ensemble();
    e.setMetadata(
        new ObjectMetaBuilder().withName("zk").withNamespace("ns").withGeneration(1L).build());
    e.getSpec().config = config;
    e.getSpec().resources =
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("512Mi")).build();
    return e;
  }

  @Test
  void statefulSetIsParallelOnDeleteWithHardenedProbedEngineContainer() {
    StatefulSet sts = new EnsembleStatefulSet().desired(ensemble(null), null);
    assertThat(sts.getMetadata().getName()).isEqualTo("zk");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
    assertThat(sts.getSpec().getServiceName()).isEqualTo("zk-headless");
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "zk")
        .containsEntry("app.kubernetes.io/component", "coordinator");

    var template = sts.getSpec().getTemplate();
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "7000")
        .containsKey(Workload.CONFIG_HASH);
    assertThat(template.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    Container c = template.getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("cairn/coord:0.1.0");
    // Only args: the image's entrypoint (java with the image's JVM options -jar ...) must apply.
    assertThat(c.getCommand()).isEmpty();
    assertThat(c.getArgs()).containsExactly("/etc/cairn/zoo.cfg");
    assertThat(c.getPorts())
        .anyMatch(p -> p.getName().equals("metrics") && p.getContainerPort() == 7000);
    assertThat(c.getPorts())
        .anyMatch(p -> p.getName().equals("client") && p.getContainerPort() == 2181);
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));
    assertThat(c.getEnv()).extracting(EnvVar::getName).contains("POD_IP", "POD_NAME", "POD_INDEX");
    assertThat(
            c.getEnv().stream()
                .filter(e -> e.getName().equals("POD_IP"))
                .findFirst()
                .orElseThrow()
                .getValueFrom()
                .getFieldRef()
                .getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(c.getVolumeMounts())
        .anyMatch(m ->
            m.getName().equals("config")
                && m.getMountPath().equals("/etc/cairn")
                && m.getReadOnly())
        .anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/var/lib/cairn"))
        .anyMatch(m -> m.getName().equals("tmp") && m.getMountPath().equals("/tmp"));
    assertThat(sts.getSpec().getVolumeClaimTemplates())
        .singleElement()
        .satisfies(pvc -> {
          assertThat(pvc.getMetadata().getName()).isEqualTo("data");
          assertThat(pvc.getSpec().getResources().getRequests())
              .containsEntry("storage", new Quantity("1Gi"));
        });
  }

  @Test
  void configMapHoldsZooCfgWithOperatorKeysDefaultsAndUserKeys() {
    ConfigMap cm = new EnsembleConfigMap().desired(ensemble(Map.of("maxClientCnxns", "100")), null);
    assertThat(cm.getMetadata().getName()).isEqualTo("zk-config");
    assertThat(cm.getData().get("zoo.cfg"))
        .contains("dataDir=/var/lib/cairn/data\n")
        .contains("clientPort=2181\n")
        .contains("admin.serverPort=7000\n")
        .contains("tickTime=2000\n")
        .contains("maxClientCnxns=100\n")
        .doesNotContain("server.1");
  }

  @Test
  void threeServersShareOneZooCfgAndTakeTheirIdFromTheirHostName() {
    Ensemble e = ensemble(Map.of(EnsembleWorkload.WHITELIST, "ruok, stat"));
    e.getSpec().replicas = 3;
    assertThat(new EnsembleConfigMap().desired(e, null).getData().get("zoo.cfg"))
        .contains("server.1=zk-0.zk-headless.ns.svc:2888:3888:participant;2181\n")
        .contains("server.2=zk-1.zk-headless.ns.svc:2888:3888:participant;2181\n")
        .contains("server.3=zk-2.zk-headless.ns.svc:2888:3888:participant;2181\n")
        .contains("clientPortAddress=0.0.0.0\n")
        // The operator's probe needs srvr and mntr whatever the user allows.
        .contains("4lw.commands.whitelist=mntr,ruok,srvr,stat\n");
    Container c =
        new EnsembleStatefulSet()
            .desired(e, null)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getEnv())
        .anyMatch(v -> v.getName().equals(MyIdFromHostname.ENABLED) && "true".equals(v.getValue()))
        .anyMatch(v ->
            v.getName().equals(EnsembleWorkload.SUPER_DIGEST_ENV)
                && v.getValueFrom().getSecretKeyRef().getName().equals("zk-super"));
  }

  @Test
  void theMembershipIsNotPartOfTheConfigHash() {
    Ensemble three = ensemble(Map.of());
    three.getSpec().replicas = 3;
    Ensemble five = ensemble(Map.of());
    five.getSpec().replicas = 5;
    // Members come and go through reconfig: the other servers must not restart for it.
    assertThat(five.workload().configHash()).isEqualTo(three.workload().configHash());
    assertThat(five.workload().config()).isNotEqualTo(three.workload().config());
  }

  @Test
  void aWhitelistOfEverythingStaysEverything() {
    assertThat(
            new EnsembleConfigMap()
                .desired(ensemble(Map.of(EnsembleWorkload.WHITELIST, "*")), null)
                .getData()
                .get("zoo.cfg"))
        .contains("4lw.commands.whitelist=*\n");
  }

  @Test
  void configChangeChangesTheTemplateHash() {
    String before = hash(ensemble(null));
    String after = hash(ensemble(Map.of("tickTime", "3000")));
    assertThat(after).isNotEqualTo(before);
    assertThat(hash(ensemble(null))).isEqualTo(before);
  }

  static String hash(Ensemble e) {
    return new EnsembleStatefulSet()
        .desired(e, null)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(Workload.CONFIG_HASH);
  }

  @Test
  void reservedAndUnknownZooCfgKeysAreRejected() {
    assertThatThrownBy(() -> ensemble(Map.of("dataDir", "/x")).workload())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'dataDir' is set by the operator");
    assertThatThrownBy(() -> ensemble(Map.of("server.1", "a:1:2")).workload())
        .hasMessageContaining("use spec.replicas");
    assertThatThrownBy(() -> ensemble(Map.of("electionAlg", "3")).workload())
        .hasMessageContaining("'electionAlg' is not supported");
  }

  @Test
  void servicesBudgetAndAccount() {
    Ensemble e = ensemble(null);
    Service headless = new EnsembleHeadlessService().desired(e, null);
    assertThat(headless.getMetadata().getName()).isEqualTo("zk-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    Service client = new EnsembleClientService().desired(e, null);
    assertThat(client.getMetadata().getName()).isEqualTo("zk");
    assertThat(client.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(2181));
    PodDisruptionBudget pdb = new EnsembleDisruptionBudget().desired(e, null);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    ServiceAccount sa = new EnsembleServiceAccount().desired(e, null);
    assertThat(sa.getAutomountServiceAccountToken()).isFalse();
  }
}
