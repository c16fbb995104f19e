package dev.cairn.operator.topic;

import static dev.cairn.operator.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.operator.broker.BrokerCluster;
import dev.cairn.operator.broker.BrokerClusterStatus;
import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.Conditions;
import dev.cairn.operator.common.Health;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.testing.LocalOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Topic reconciler against a real cairn-broker (embedded coordinator, loopback), checked with
 * kafka-clients' own Admin: create with configs, grow partitions, alter one config and reset
 * another, delete through the finalizer. The BrokerCluster resource only carries the status a
 * running cluster would have (its pods are not run here).
 */
@EnableKubernetesMockClient(crud = true)
class TopicAgainstBrokerTest {
  static KubernetesClient client;
  static LocalOperator operator;
  static BrokerEngine broker;
  static Admin admin;
  @TempDir static Path logDir;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> cfg = new LinkedHashMap<>();
    cfg.put("listeners", "PLAINTEXT://127.0.0.1:0");
    cfg.put("cairn.admin.host", "127.0.0.1");
    cfg.put("cairn.admin.port", "0");
    cfg.put("log.dirs", logDir.toString());
    broker = EngineExtension.startAndAwaitReady(new BrokerEngine(BrokerConfig.of(cfg)));
    String bootstrap = "127.0.0.1:" + broker.boundAddress().getPort();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(props);

    operator =
        LocalOperator.start(
            client,
            new TopicReconciler(
                new ManagedResources(new SimpleMeterRegistry()),
                KafkaTopicAdmin::connect,
                Duration.ofMillis(500),
                Clock.systemUTC()));
    BrokerCluster cluster = new BrokerCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("kafka").withNamespace("ns").build());
    cluster = client.resource(cluster).create();
    BrokerClusterStatus status = new BrokerClusterStatus();
    status.bootstrapServers = bootstrap;
    status.readyReplicas = 1;
    status.conditions =
        Conditions.of(
            Health.ready("AllPodsReady", "All 1 pods are ready."), null, 1, Instant.now());
    cluster.setStatus(status);
    client.resource(cluster).updateStatus();
  }

  @AfterAll
  static void stop() {
    operator.close();
    admin.close();
    broker.stop(Duration.ofSeconds(2));
  }

  static Topic get() {
    return client.resources(Topic.class).inNamespace("ns").withName("orders").get();
  }

  static boolean synced(int partitions) {
    Topic t = get();
    return t != null
        && t.getStatus() != null
        && t.getStatus().isReady()
        && t.getStatus().partitions != null
        && t.getStatus().partitions == partitions;
  }

  static TopicDescription describe(String name) throws Exception {
    return admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
  }

  static Config configs(String name) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, name);
    return admin.describeConfigs(List.of(r)).all().get().get(r);
  }

  @Test
  void topicLifecycleCreateGrowAlterDelete() throws Exception {
    Topic topic = new Topic();
    topic.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("ns").build());
    topic.getSpec().clusterRef = new ClusterRef("kafka");
    topic.getSpec().topicName = "orders.v1";
    topic.getSpec().partitions = 2;
    topic.getSpec().config = Map.of("retention.ms", "3600000", "cleanup.policy", "delete");
    client.resource(topic).create();

    await().untilAsserted(() -> assertThat(synced(2)).isTrue());
    assertThat(get().getStatus().topicId).isNotBlank();
    assertThat(get().getMetadata().getFinalizers()).contains("cairn.dev/topic");
    assertThat(describe("orders.v1").partitions()).hasSize(2);
    assertThat(configs("orders.v1").get("retention.ms").value()).isEqualTo("3600000");

    Topic grown = get();
    grown.getSpec().partitions = 4;
    grown.getSpec().config = Map.of("retention.ms", "7200000");
    client.resource(grown).update();

    await().untilAsserted(() -> assertThat(synced(4)).isTrue());
    assertThat(describe("orders.v1").partitions()).hasSize(4);
    Config after = configs("orders.v1");
    assertThat(after.get("retention.ms").value()).isEqualTo("7200000");
    assertThat(after.get("cleanup.policy").source())
        .isNotEqualTo(org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

    client.resources(Topic.class).inNamespace("ns").withName("orders").delete();
    await()
        .untilAsserted(() -> {
          assertThat(get()).isNull();
          assertThat(admin.listTopics().names().get()).doesNotContain("orders.v1");
        });
  }
}
