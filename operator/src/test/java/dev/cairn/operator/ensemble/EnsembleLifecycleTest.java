package dev.cairn.operator.ensemble;

import static dev.cairn.operator.testing.Await.await;
import static dev.cairn.operator.testing.Await.condition;
import static dev.cairn.operator.testing.Await.ownedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.Workload;
import dev.cairn.operator.testing.LocalOperator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Create → update → invalid input → delete for an Ensemble, against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class EnsembleLifecycleTest {
  static KubernetesClient client;
  static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  static LocalOperator operator;
  static ScriptedServers servers;

  @BeforeAll
  static void start() {
    servers = new ScriptedServers(client);
    operator =
        LocalOperator.start(
            client,
            new EnsembleReconciler(
                new ManagedResources(metrics),
                servers,
                UnknownMembership.INSTANCE,
                Duration.ofMillis(200),
                Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  static Ensemble ensemble(String ns, String name, Map<String, String> config) {
    return ensemble(ns, name, 1, config);
  }

  static Ensemble ensemble(String ns, String name, int replicas, Map<String, String> config) {
    Ensemble e = new Ensemble();
    e.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    e.getSpec().replicas = replicas;
    e.getSpec().config = config;
    return e;
  }

  boolean ready(String ns, String name) {
    Ensemble e = get(ns, name);
    return e != null && e.getStatus() != null && e.getStatus().isReady();
  }

  Ensemble get(String ns, String name) {
    return client.resources(Ensemble.class).inNamespace(ns).withName(name).get();
  }

  @Test
  void createMakesEveryOwnedObjectAndReportsReadyWithConnectString() {
    client.resource(ensemble("create", "zk", Map.of("tickTime", "2000"))).create();
    await().untilAsserted(() -> assertThat(ready("create", "zk")).isTrue());

    Ensemble zk = get("create", "zk");
    assertThat(zk.getStatus().readyReplicas).isEqualTo(1);
    assertThat(zk.getStatus().connectString).isEqualTo("zk.create.svc:2181");
    assertThat(zk.getStatus().leader).isEqualTo("zk-0");
    assertThat(zk.getStatus().observedGeneration).isEqualTo(zk.getMetadata().getGeneration());
    List<HasMetadata> owned =
        List.of(
            client.apps().statefulSets().inNamespace("create").withName("zk").get(),
            client.services().inNamespace("create").withName("zk").get(),
            client.services().inNamespace("create").withName("zk-headless").get(),
            client.configMaps().inNamespace("create").withName("zk-config").get(),
            client.resources(PodDisruptionBudget.class).inNamespace("create").withName("zk").get(),
            client.resources(ServiceAccount.class).inNamespace("create").withName("zk").get());
    // Owner references are what lets Kubernetes' garbage collector delete them with the Ensemble.
    assertThat(owned).allSatisfy(o -> assertThat(ownedBy(o, zk)).as(o.getKind()).isTrue());
    assertThat(((ConfigMap) owned.get(3)).getData().get("zoo.cfg")).contains("tickTime=2000");
    assertThat(((Service) owned.get(2)).getSpec().getClusterIP()).isEqualTo("None");
    assertThat(
            metrics
                .get("cairn.operator.managed.resources")
                .tags("kind", "Ensemble", "state", "ready")
                .gauge()
                .value())
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void configChangeRestartsThePodWithTheNewConfigHash() {
    client.resource(ensemble("roll", "zk", Map.of("tickTime", "2000"))).create();
    await().untilAsserted(() -> assertThat(ready("roll", "zk")).isTrue());
    String before = podHash("roll", "zk-0");

    Ensemble zk = get("roll", "zk");
    zk.getSpec().config = Map.of("tickTime", "3000");
    client.resource(zk).update();

    await()
        .untilAsserted(() -> assertThat(operator.pods().restarts("roll")).containsExactly("zk-0"));
    await()
        .untilAsserted(() -> {
          StatefulSet sts = client.apps().statefulSets().inNamespace("roll").withName("zk").get();
          String desired =
              sts.getSpec().getTemplate().getMetadata().getAnnotations().get(Workload.CONFIG_HASH);
          assertThat(podHash("roll", "zk-0")).isEqualTo(desired).isNotEqualTo(before);
          assertThat(ready("roll", "zk")).isTrue();
        });
    assertThat(
            client
                .configMaps()
                .inNamespace("roll")
                .withName("zk-config")
                .get()
                .getData()
                .get("zoo.cfg"))
        .contains("tickTime=3000");
  }

  String podHash(String ns, String pod) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    return p == null ? null : p.getMetadata().getAnnotations().get(Workload.CONFIG_HASH);
  }

  @Test
  void threeServersReportTheirLeaderRolesAndQuorumSize() {
    client.resource(ensemble("three", "zk", 3, null)).create();
    await().untilAsserted(() -> assertThat(ready("three", "zk")).isTrue());

    EnsembleStatus status = get("three", "zk").getStatus();
    assertThat(status.readyReplicas).isEqualTo(3);
    assertThat(status.leader).isEqualTo("zk-1");
    assertThat(status.quorumSize).isEqualTo(2);
    assertThat(status.members)
        .extracting(m -> m.pod + "/" + m.serverId + "/" + m.role + "/" + m.lastZxid)
        .containsExactly(
            "zk-0/1/follower/0x100000005",
            "zk-1/2/leader/0x100000005",
            "zk-2/3/follower/0x100000005");
    assertThat(
            client
                .configMaps()
                .inNamespace("three")
                .withName("zk-config")
                .get()
                .getData()
                .get("zoo.cfg"))
        .contains("reconfigEnabled=true\n")
        .contains("server.1=zk-0.zk-headless.three.svc:2888:3888:participant;2181\n")
        .contains("server.3=zk-2.zk-headless.three.svc:2888:3888:participant;2181\n");
  }

  @Test
  void rollWaitsForEveryFollowerInSyncAndRestartsTheLeaderLast() {
    client.resource(ensemble("quorum-roll", "zk", 3, Map.of("tickTime", "2000"))).create();
    await().untilAsserted(() -> assertThat(ready("quorum-roll", "zk")).isTrue());

    servers.lagging("quorum-roll", "zk-0", true);
    Ensemble zk = get("quorum-roll", "zk");
    zk.getSpec().config = Map.of("tickTime", "3000");
    client.resource(zk).update();
    await()
        .untilAsserted(() ->
            assertThat(
                    condition(client, Ensemble.class, "quorum-roll", "zk", "Progressing")
                        .getMessage())
                .contains("the leader zk-1 has 1 of 2 followers in sync"));
    await()
        .during(Duration.ofMillis(600))
        .untilAsserted(() -> assertThat(operator.pods().restarts("quorum-roll")).isEmpty());

    servers.lagging("quorum-roll", "zk-0", false);
    await()
        .untilAsserted(() ->
            assertThat(operator.pods().restarts("quorum-roll"))
                .containsExactly("zk-2", "zk-0", "zk-1"));
    await().untilAsserted(() -> assertThat(ready("quorum-roll", "zk")).isTrue());
  }

  @Test
  void anEnsembleThatLosesItsQuorumIsDegradedUntilALeaderIsBack() {
    client.resource(ensemble("lost", "zk", 3, null)).create();
    await().untilAsserted(() -> assertThat(ready("lost", "zk")).isTrue());

    // Servers outside a quorum fail /readyz, so their pods turn unready too.
    servers.quorum("lost", false);
    operator.pods().readiness("lost", false);
    await()
        .untilAsserted(() -> {
          var degraded = condition(client, Ensemble.class, "lost", "zk", "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("QuorumLost");
          assertThat(degraded.getMessage()).contains("No server of 3 leads");
          assertThat(get("lost", "zk").getStatus().members)
              .extracting(m -> m.role)
              .containsOnly("not serving");
        });

    servers.quorum("lost", true);
    operator.pods().readiness("lost", true);
    await().untilAsserted(() -> assertThat(ready("lost", "zk")).isTrue());
    assertThat(get("lost", "zk").getStatus().leader).isEqualTo("zk-1");
  }

  @Test
  void invalidConfigIsRejectedInStatusAndNothingIsApplied() {
    client.resource(ensemble("invalid", "zk", Map.of("dataDir", "/elsewhere"))).create();
    await()
        .untilAsserted(() -> {
          var degraded = condition(client, Ensemble.class, "invalid", "zk", "Degraded");
          assertThat(degraded).isNotNull();
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("InvalidSpec");
          assertThat(degraded.getMessage()).contains("'dataDir' is set by the operator");
        });
    assertThat(client.apps().statefulSets().inNamespace("invalid").list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace("invalid").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("invalid").list().getItems()).isEmpty();
  }

  @Test
  void scalingARunningEnsembleIsRefusedAndChangesNothing() {
    client.resource(ensemble("scale", "zk", null)).create();
    await().untilAsserted(() -> assertThat(ready("scale", "zk")).isTrue());
    String config =
        client
            .configMaps()
            .inNamespace("scale")
            .withName("zk-config")
            .get()
            .getData()
            .get("zoo.cfg");

    Ensemble zk = get("scale", "zk");
    zk.getSpec().replicas = 3;
    client.resource(zk).update();

    await()
        .untilAsserted(() -> {
          var degraded = condition(client, Ensemble.class, "scale", "zk", "Degraded");
          assertThat(degraded.getReason()).isEqualTo("ScalingNotSupported");
          assertThat(degraded.getMessage()).contains("from 1 to 3");
        });
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace("scale")
                .withName("zk")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(1);
    assertThat(
            client
                .configMaps()
                .inNamespace("scale")
                .withName("zk-config")
                .get()
                .getData()
                .get("zoo.cfg"))
        .isEqualTo(config);
    // The running ensemble is still described as it is, not as the refused spec would have it.
    EnsembleStatus status = get("scale", "zk").getStatus();
    assertThat(status.readyReplicas).isEqualTo(1);
    assertThat(status.quorumSize).isEqualTo(1);
    assertThat(status.leader).isEqualTo("zk-0");
    assertThat(status.members).extracting(m -> m.pod).containsExactly("zk-0");
  }

  @Test
  void deletedEnsembleIsNotRecreatedAndLeavesItsObjectsToTheGarbageCollector() {
    client.resource(ensemble("delete", "zk", null)).create();
    await().untilAsserted(() -> assertThat(ready("delete", "zk")).isTrue());
    client.resources(Ensemble.class).inNamespace("delete").withName("zk").delete();
    await().untilAsserted(() -> assertThat(get("delete", "zk")).isNull());
    // The mock server has no garbage collector: delete what it would, and check nothing comes back.
    client.apps().statefulSets().inNamespace("delete").withName("zk").delete();
    client.configMaps().inNamespace("delete").withName("zk-config").delete();
    await()
        .during(Duration.ofMillis(600))
        .untilAsserted(() -> {
          assertThat(client.apps().statefulSets().inNamespace("delete").list().getItems())
              .isEmpty();
          assertThat(client.configMaps().inNamespace("delete").list().getItems()).isEmpty();
        });
  }
}
