package dev.cairn.operator.broker;

import static dev.cairn.operator.testing.Await.await;
import static dev.cairn.operator.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.common.Names;
import dev.cairn.operator.ensemble.Ensemble;
import dev.cairn.operator.ensemble.EnsembleReconciler;
import dev.cairn.operator.ensemble.FourLetterProbe;
import dev.cairn.operator.ensemble.UnknownMembership;
import dev.cairn.operator.testing.LocalOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A BrokerCluster waits for its Ensemble, then runs; a config change rolls it controller last. */
@EnableKubernetesMockClient(crud = true)
class BrokerClusterLifecycleTest {
  static KubernetesClient client;
  static LocalOperator operator;

  @BeforeAll
  static void start() {
    ManagedResources managed = new ManagedResources(new SimpleMeterRegistry());
    Duration recheck = Duration.ofMillis(200);
    operator =
        LocalOperator.start(
            client,
            new EnsembleReconciler(
                managed,
                new FourLetterProbe(),
                UnknownMembership.INSTANCE,
                recheck,
                Clock.systemUTC()),
            // The engines are not running here: the controller is whatever this stub says (pod 1).
            new BrokerReconciler(
                managed,
                (primary, pods) ->
                    BrokerView.unknown(pods.isEmpty() ? null : Names.of(primary) + "-1"),
                (cluster, moves) -> {
                  throw new IllegalStateException("no brokers to reassign in this test");
                },
                recheck,
                Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  static BrokerCluster brokers(String ns, int replicas) {
    BrokerCluster b = new BrokerCluster();
    b.setMetadata(new ObjectMetaBuilder().withName("kafka").withNamespace(ns).build());
    b.getSpec().replicas = replicas;
    b.getSpec().ensembleRef = new ClusterRef("zk");
    return b;
  }

  static Ensemble ensemble(String ns) {
    Ensemble e = new Ensemble();
    e.setMetadata(new ObjectMetaBuilder().withName("zk").withNamespace(ns).build());
    return e;
  }

  static BrokerCluster get(String ns) {
    return client.resources(BrokerCluster.class).inNamespace(ns).withName("kafka").get();
  }

  static boolean ready(String ns) {
    BrokerCluster b = get(ns);
    return b != null && b.getStatus() != null && b.getStatus().isReady();
  }

  @Test
  void brokersWaitForTheirEnsembleThenPointAtIt() {
    client.resource(brokers("wait", 1)).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, BrokerCluster.class, "wait", "kafka", "Ready"))
                .isNotNull()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("EnsembleNotFound")));
    assertThat(client.apps().statefulSets().inNamespace("wait").list().getItems()).isEmpty();

    client.resource(ensemble("wait")).create();
    await().untilAsserted(() -> assertThat(ready("wait")).isTrue());
    assertThat(
            client
                .configMaps()
                .inNamespace("wait")
                .withName("kafka-config")
                .get()
                .getData()
                .get("server.properties"))
        .contains("zookeeper.connect=zk.wait.svc:2181");
    assertThat(get("wait").getStatus().bootstrapServers).isEqualTo("kafka.wait.svc:9092");
  }

  @Test
  void configChangeRestartsOneBrokerAtATimeWithTheControllerLast() {
    client.resource(ensemble("roll")).create();
    client.resource(brokers("roll", 3)).create();
    await().untilAsserted(() -> assertThat(ready("roll")).isTrue());
    assertThat(get("roll").getStatus().readyReplicas).isEqualTo(3);
    assertThat(get("roll").getStatus().controller).isEqualTo("kafka-1");

    BrokerCluster b = get("roll");
    b.getSpec().config = Map.of("num.partitions", "6");
    client.resource(b).update();

    await()
        .untilAsserted(() ->
            assertThat(operator.pods().restarts("roll"))
                .containsExactly("kafka-2", "kafka-0", "kafka-1"));
    await().untilAsserted(() -> assertThat(ready("roll")).isTrue());
  }
}
