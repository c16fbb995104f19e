package dev.cairn.operator.broker;

import static dev.cairn.operator.testing.Await.await;
import static dev.cairn.operator.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerEngine;
import dev.cairn.broker.config.BrokerConfig;
import dev.cairn.common.testkit.EngineExtension;
import dev.cairn.coord.CoordinatorConfig;
import dev.cairn.coord.CoordinatorEngine;
import dev.cairn.operator.common.ClusterRef;
import dev.cairn.operator.common.ManagedResources;
import dev.cairn.operator.testing.LocalOperator;
import dev.cairn.operator.topic.KafkaTopicAdmin;
import dev.cairn.operator.topic.Topic;
import dev.cairn.operator.topic.TopicReconciler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling and replication-factor changes against four real brokers (ids 0..3, as pod ordinals) on
 * one coordinator, in this JVM: the operator's Admin calls reach them directly, its pods are
 * simulated. Checked with kafka-clients' own Admin: a scale-down empties the leaving broker by
 * reassignment before the StatefulSet shrinks; one below a topic's replication factor is refused
 * with a condition and a Warning event, nothing applied; a scale-up with rebalanceOnScaleUp moves
 * replicas onto the empty broker; a Topic's replicas change by reassignment.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerScalingAgainstBrokersTest {
  static final String NS = "scale";
  static KubernetesClient client;
  static LocalOperator operator;
  static CoordinatorEngine coordinator;
  static final List<BrokerEngine> brokers = new ArrayList<>();
  static Admin admin;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    coordinator =
        EngineExtension.startAndAwaitReady(
            new CoordinatorEngine(
                CoordinatorConfig.builder(Files.createDirectories(dir.resolve("coord")))
                    .clientPort(0)
                    .clientPortAddress("127.0.0.1")
                    .adminPort(0)
                    .adminAddress("127.0.0.1")
                    .tickTime(200)
                    .build()));
    for (int id = 0; id < 4; id++) {
      Map<String, String> cfg = new HashMap<>();
      cfg.put("broker.id", "" + id);
      cfg.put("listeners", "PLAINTEXT://127.0.0.1:0");
      cfg.put("cairn.admin.host", "127.0.0.1");
      cfg.put("cairn.admin.port", "0");
      cfg.put("log.dirs", dir.resolve("logs" + id).toString());
      cfg.put("zookeeper.connect", coordinator.connectString());
      cfg.put("zookeeper.session.timeout.ms", "6000");
      brokers.add(EngineExtension.startAndAwaitReady(new BrokerEngine(BrokerConfig.of(cfg))));
    }
    String bootstrap =
        brokers.stream()
            .map(b -> "127.0.0.1:" + b.boundAddress().getPort())
            .collect(Collectors.joining(","));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(props);

    ManagedResources managed = new ManagedResources(new SimpleMeterRegistry());
    Duration recheck = Duration.ofMillis(300);
    operator =
        LocalOperator.start(
            client,
            new BrokerReconciler(
                managed,
                new AdminBrokerProbe(c -> bootstrap),
                new AdminReassigner(c -> bootstrap),
                recheck,
                Clock.systemUTC()),
            new TopicReconciler(
                managed, b -> KafkaTopicAdmin.connect(bootstrap), recheck, Clock.systemUTC()));
  }

  @AfterAll
  static void stop() throws Exception {
    operator.close();
    admin.close();
    for (BrokerEngine b : brokers) {
      b.stop(Duration.ofSeconds(1));
    }
    coordinator.stop(Duration.ZERO);
  }

  static BrokerCluster get() {
    return client.resources(BrokerCluster.class).inNamespace(NS).withName("kafka").get();
  }

  static boolean ready() {
    BrokerCluster b = get();
    return b != null && b.getStatus() != null && b.getStatus().isReady();
  }

  static void edit(Consumer<BrokerClusterSpec> change) {
    BrokerCluster b = get();
    change.accept(b.getSpec());
    client.resource(b).update();
  }

  static int statefulSetReplicas() {
    return client
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .withName("kafka")
        .get()
        .getSpec()
        .getReplicas();
  }

  static Map<Integer, TopicPartitionInfo> describe(String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    return d.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition, p -> p));
  }

  static List<Integer> replicas(TopicPartitionInfo p) {
    return p.replicas().stream().map(Node::id).toList();
  }

  static List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  @Test
  @Order(1)
  void scalingDownMovesEveryReplicaOffTheLeavingBrokerBeforeTheStatefulSetShrinks()
      throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic(
                    "orders", Map.of(0, List.of(3, 0), 1, List.of(1, 3), 2, List.of(2, 1)))))
        .all()
        .get();
    BrokerCluster cluster = new BrokerCluster();
    cluster.setMetadata(new ObjectMetaBuilder().withName("kafka").withNamespace(NS).build());
    cluster.getSpec().replicas = 4;
    client.resource(cluster).create();
    await().untilAsserted(() -> assertThat(ready()).isTrue());
    assertThat(get().getStatus().controller).startsWith("kafka-");

    edit(spec -> spec.replicas = 3);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          assertThat(statefulSetReplicas()).isEqualTo(3);
          assertThat(ready()).isTrue();
        });
    Map<Integer, TopicPartitionInfo> after = describe("orders");
    for (TopicPartitionInfo p : after.values()) {
      assertThat(replicas(p)).as("orders-%d", p.partition()).hasSize(2).doesNotContain(3);
      assertThat(p.isr()).hasSize(2);
    }
    assertThat(replicas(after.get(2)))
        .as("a partition not on broker 3 stays")
        .containsExactly(2, 1);
    assertThat(events("Reassigning")).isNotEmpty();
    assertThat(get().getStatus().reassigningPartitions).isZero();
  }

  @Test
  @Order(2)
  void scalingDownBelowATopicsReplicationFactorIsRefusedAndNothingApplied() {
    edit(spec -> spec.replicas = 1);
    await()
        .untilAsserted(() ->
            assertThat(condition(client, BrokerCluster.class, NS, "kafka", "Ready"))
                .satisfies(c -> {
                  assertThat(c.getReason()).isEqualTo(BrokerScaling.REFUSED);
                  assertThat(c.getMessage()).contains("orders has replication factor 2");
                }));
    assertThat(condition(client, BrokerCluster.class, NS, "kafka", "Degraded").getStatus())
        .isEqualTo("True");
    assertThat(events(BrokerScaling.REFUSED))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    assertThat(statefulSetReplicas()).isEqualTo(3);

    edit(spec -> spec.replicas = 3);
    await().untilAsserted(() -> assertThat(ready()).isTrue());
  }

  @Test
  @Order(3)
  void scalingUpWithRebalanceMovesReplicasOntoTheNewBroker() {
    edit(spec -> {
      spec.replicas = 4;
      spec.rebalanceOnScaleUp = true;
    });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          Map<Integer, Integer> load = new HashMap<>();
          describe("orders")
              .values()
              .forEach(p -> replicas(p).forEach(b -> load.merge(b, 1, Integer::sum)));
          assertThat(load).containsKey(3);
          assertThat(load.values()).allMatch(n -> n == 1 || n == 2);
          assertThat(describe("orders").values()).allMatch(p -> p.isr().size() == 2);
          assertThat(get().getStatus().reassigningPartitions).isZero();
        });
  }

  @Test
  @Order(4)
  void aTopicsReplicationFactorChangesByReassignment() {
    Topic topic = new Topic();
    topic.setMetadata(new ObjectMetaBuilder().withName("payments").withNamespace(NS).build());
    topic.getSpec().clusterRef = new ClusterRef("kafka");
    topic.getSpec().partitions = 4;
    topic.getSpec().replicas = 1;
    client.resource(topic).create();
    await().untilAsserted(() -> assertThat(topicReady(1)).isTrue());

    for (int factor : List.of(3, 2)) {
      Topic t = client.resources(Topic.class).inNamespace(NS).withName("payments").get();
      t.getSpec().replicas = factor;
      client.resource(t).update();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> {
            assertThat(topicReady(factor)).isTrue();
            assertThat(describe("payments").values())
                .allSatisfy(p -> {
                  assertThat(replicas(p)).hasSize(factor).doesNotHaveDuplicates();
                  assertThat(p.isr()).hasSize(factor);
                });
          });
    }
  }

  static boolean topicReady(int replicas) {
    Topic t = client.resources(Topic.class).inNamespace(NS).withName("payments").get();
    return t != null
        && t.getStatus() != null
        && t.getStatus().isReady()
        && t.getStatus().replicas != null
        && t.getStatus().replicas == replicas;
  }
}
