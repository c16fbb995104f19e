package dev.cairn.operator.topic;

import static dev.cairn.operator.testing.Await.await;
import static dev.cairn.operator.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.broker.BrokerCluster;
import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.testing.LocalOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Topic whose cluster is missing or not ready says so and never reaches for a broker. */
@EnableKubernetesMockClient(crud = true)
class TopicReconcilerTest {
  static KubernetesClient client;
  static LocalOperator operator;
  static final AtomicInteger brokerCalls = new AtomicInteger();

  @BeforeAll
  static void start() {
    operator =
        LocalOperator.start(
            client,
            new TopicReconciler(
                new ManagedResources(new SimpleMeterRegistry()),
                bootstrap -> {
                  brokerCalls.incrementAndGet();
                  throw new TopicAdminException("no broker in this test", null);
                },
                Duration.ofMillis(200),
                Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  static Topic topic(String ns, String cluster) {
    Topic t = new Topic();
    t.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace(ns).build());
    t.getSpec().clusterRef = new ClusterRef(cluster);
    return t;
  }

  @Test
  void topicOfAMissingClusterReportsItAndIsRetried() {
    client.resource(topic("missing", "nowhere")).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, Topic.class, "missing", "orders", "Ready"))
                .isNotNull()
                .satisfies(c -> {
                  assertThat(c.getStatus()).isEqualTo("False");
                  assertThat(c.getReason()).isEqualTo("ClusterNotFound");
                  assertThat(c.getMessage()).contains("'nowhere' does not exist");
                }));
    assertThat(brokerCalls).hasValue(0);
  }

  @Test
  void topicOfAClusterThatIsNotReadyWaits() {
    BrokerCluster cluster = new BrokerCluster();
    cluster.setMetadata(
        new ObjectMetaBuilder().withName("kafka").withNamespace("starting").build());
    client.resource(cluster).create();
    client.resource(topic("starting", "kafka")).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, Topic.class, "starting", "orders", "Ready"))
                .isNotNull()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("ClusterNotReady")));
    assertThat(brokerCalls).hasValue(0);
  }

  @Test
  void invalidTopicConfigIsRejected() {
    Topic t = topic("invalid", "kafka");
    t.getSpec().config = java.util.Map.of("retention", "1d");
    client.resource(t).create();
    await()
        .untilAsserted(() ->
            assertThat(condition(client, Topic.class, "invalid", "orders", "Degraded"))
                .isNotNull()
                .satisfies(c -> {
                  assertThat(c.getReason()).isEqualTo("InvalidSpec");
                  assertThat(c.getMessage()).contains("'retention' is not supported");
                }));
  }
}
