package dev.cairn.e2e.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three brokers (examples/replicated/broker-replicated.yaml) in the local cluster with the real
 * operator, under an idempotent acks=all producer ({@link ProducerLoad}) on a topic with
 * replication factor 3 and min.insync.replicas 2: a config change rolls them one at a time,
 * controller last, and not one send fails; scaling to four rebalances replicas onto the new broker
 * and back to three empties it first; scaling below the replication factor is refused. Every
 * acknowledged record is consumed afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicatedBrokerEndToEndTest {
  private static final Duration READY = Duration.ofMinutes(4);
  private static final String NS = "default";
  private static final String NAME = "my-replicated-brokers";
  private static final String TOPIC = "payments";

  private LocalPlatform platform;
  private KubernetesClient client;
  private ResourceDefinitionContext kind;

  @BeforeAll
  void start() throws Exception {
    platform =
        PlatformScenario.start("e2e-brokers", "examples/replicated/broker-replicated.yaml", READY);
    client = platform.client();
    kind = CairnResources.kind(client, "BrokerCluster");
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  /**
   * KafkaRoller's promise: a broker restarts only while every partition keeps min.insync.replicas
   * in sync without it, hands its leaderships over on SIGTERM, and the next waits until the ISR is
   * whole again; the producer sees only errors it retries.
   */
  @Test
  @Order(1)
  void aConfigChangeRollsTheBrokersUnderLoadWithoutOneFailedAcksAllSend() throws Exception {
    String controller =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> (String) status().get("controller"), c -> c != null);
    assertThat(controller).startsWith(NAME + "-");
    Map<String, String> before = new HashMap<>();
    pods().forEach(p -> before.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    List<String> restarted = new CopyOnWriteArrayList<>();
    try (Watch deletions =
            client
                .pods()
                .inNamespace(NS)
                .withLabel("app.kubernetes.io/instance", NAME)
                .watch(PlatformScenario.deletionsInto(restarted));
        ProducerLoad load = ProducerLoad.start(bootstrap(), TOPIC, "roll-")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= 500);
      editSpec(spec -> PlatformScenario.configOf(spec).put("log.retention.hours", "169"));
      await()
          .atMost(READY)
          .pollInterval(Duration.ofSeconds(1))
          .until(() ->
              pods().size() == 3
                  && pods().stream()
                      .noneMatch(p ->
                          p.getMetadata().getUid().equals(before.get(p.getMetadata().getName())))
                  && ready());
      int atEnd = load.acknowledged().size();
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= atEnd + 500);
      load.stop();
      assertThat(load.failures()).as("failed acks=all sends").isEmpty();
      assertThat(restarted).hasSize(3).doesNotHaveDuplicates().last().isEqualTo(controller);
      assertThat(consumeAll()).containsAll(load.acknowledged());
      System.out.println(
          "e2e: roll under load: "
              + load.acknowledged().size()
              + " records acknowledged, 0 failed");
    }
  }

  @Test
  @Order(2)
  void scalingToFourRebalancesOntoTheNewBrokerAndBackToThreeEmptiesItFirst() throws Exception {
    try (ProducerLoad load = ProducerLoad.start(bootstrap(), TOPIC, "scale-")) {
      editSpec(spec -> spec.put("replicas", 4));
      await()
          .atMost(READY)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            assertThat(pods()).hasSize(4);
            assertThat(ready()).isTrue();
            assertThat(replicasPerBroker()).containsKey(3);
            assertThat(status().get("reassigningPartitions")).isEqualTo(0);
            assertThat(describe().values()).allMatch(p -> p.isr().size() == 3);
          });
      assertThat(replicasPerBroker().values()).allMatch(n -> n == 2 || n == 3);

      editSpec(spec -> spec.put("replicas", 3));
      await()
          .atMost(READY)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            assertThat(pods()).hasSize(3);
            assertThat(ready()).isTrue();
            assertThat(describe().values()).allMatch(p -> p.isr().size() == 3);
          });
      assertThat(replicasPerBroker()).containsOnlyKeys(0, 1, 2);
      load.stop();
      assertThat(load.failures()).as("failed acks=all sends").isEmpty();
      assertThat(consumeAll()).containsAll(load.acknowledged());
    }
  }

  @Test
  @Order(3)
  void scalingBelowTheTopicsReplicationFactorIsRefusedAndNothingApplied() {
    editSpec(spec -> spec.put("replicas", 2));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(() ->
            assertThat(CairnResources.condition(cluster(), "Ready").reason())
                .isEqualTo("ScaleDownRefused"));
    assertThat(CairnResources.condition(cluster(), "Ready").message())
        .contains("payments has replication factor 3");
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("ScaleDownRefused");
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
        });
    assertThat(pods()).hasSize(3);
    editSpec(spec -> spec.put("replicas", 3));
    await().atMost(Duration.ofMinutes(1)).until(this::ready);
  }

  private GenericKubernetesResource cluster() {
    return client.genericKubernetesResources(kind).inNamespace(NS).withName(NAME).get();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status() {
    return (Map<String, Object>) cluster().getAdditionalProperties().get("status");
  }

  private boolean ready() {
    return CairnResources.ready(cluster());
  }

  private void editSpec(Consumer<Map<String, Object>> edit) {
    PlatformScenario.editSpec(client, "BrokerCluster", NS, NAME, edit);
  }

  private List<Pod> pods() {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/instance", NAME)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The ready pods' listeners: a client learns the rest from the metadata. */
  private String bootstrap() {
    return String.join(
        ",",
        pods().stream()
            .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
            .map(p -> p.getStatus().getPodIP() + ":9092")
            .toList());
  }

  private Map<Integer, TopicPartitionInfo> describe() throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(props)) {
      TopicDescription d =
          admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC);
      Map<Integer, TopicPartitionInfo> partitions = new HashMap<>();
      d.partitions().forEach(p -> partitions.put(p.partition(), p));
      return partitions;
    }
  }

  private Map<Integer, Integer> replicasPerBroker() throws Exception {
    Map<Integer, Integer> load = new HashMap<>();
    for (TopicPartitionInfo p : describe().values()) {
      p.replicas().stream().map(Node::id).forEach(b -> load.merge(b, 1, Integer::sum));
    }
    return load;
  }

  private Set<String> consumeAll() {
    return new HashSet<>(
        PlatformScenario.consumeValues(bootstrap(), TOPIC, Duration.ofSeconds(60)));
  }
}
